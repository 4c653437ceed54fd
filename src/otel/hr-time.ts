import type { HrTime } from "@opentelemetry/api";

/**
 * Epoch microseconds (runledger's clock) as OpenTelemetry's `[seconds, nanoseconds]`, so span times
 * keep the microseconds that the dotted order is built from.
 *
 * @example
 * hrTimeFromMicros(1714564800123456); // → [1714564800, 123456000]
 */
export function hrTimeFromMicros(micros: number): HrTime {
  const seconds = Math.floor(micros / 1_000_000);
  return [seconds, (micros - seconds * 1_000_000) * 1000];
}
