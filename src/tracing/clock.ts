import { performance } from "node:perf_hooks";

// Wall-clock anchor plus the monotonic clock: microsecond resolution that never goes backwards
// within the process, unlike Date.now() (milliseconds, and subject to clock adjustments).
const ORIGIN_MICROS = Math.round(performance.timeOrigin * 1000);

/** Microseconds since the Unix epoch, from the monotonic high-resolution clock. */
export function nowMicros(): number {
  return ORIGIN_MICROS + Math.round(performance.now() * 1000);
}

/** `2024-05-01T12:00:00.123456Z`: ISO-8601 UTC with microseconds, as LangSmith serializes times. */
export function isoFromMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const iso = new Date(millis).toISOString(); // 2024-05-01T12:00:00.123Z
  const subMillis = String(micros - millis * 1000).padStart(3, "0");
  return `${iso.slice(0, 23)}${subMillis}Z`;
}

/** Parses an ISO-8601 time (up to microseconds) into epoch microseconds; undefined if invalid. */
export function microsFromIso(iso: string): number | undefined {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (match === null) return undefined;
  const [, head, fraction = "", zone = "Z"] = match;
  const seconds = Date.parse(`${head}${zone}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds * 1000 + Number(fraction.padEnd(6, "0").slice(0, 6));
}
