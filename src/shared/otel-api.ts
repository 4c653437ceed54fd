import type * as OtelApi from "@opentelemetry/api";
import { requireHere } from "../../schemas/require-here.cjs";

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
  return (loaded ??= requireHere("@opentelemetry/api") as typeof OtelApi);
}
