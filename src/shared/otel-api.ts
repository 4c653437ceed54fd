import type * as OtelApi from "@opentelemetry/api";
import { loadOtelApi } from "./otel-api-loader.cjs";

let loaded: typeof OtelApi | undefined;

/**
 * `@opentelemetry/api`, loaded at the first call rather than at import (it is a large part of a cold
 * start, and many programs never reach OpenTelemetry code). The API keeps registered providers,
 * propagators and the context manager in one global registry that every copy of a compatible version
 * shares, so this copy (CommonJS, through `require`) sees what an app registered through the ESM one.
 *
 * @example
 * const span = otelApi().trace.getActiveSpan();
 */
export function otelApi(): typeof OtelApi {
  return (loaded ??= loadOtelApi() as typeof OtelApi);
}
