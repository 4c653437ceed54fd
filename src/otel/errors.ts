import type { Exception } from "@opentelemetry/api";
import { maskSecretsInString } from "../export/redact.js";
import { ERROR_TYPE_OTHER } from "./semconv.js";

const GENERIC_NAMES = new Set(["Error", "Object", ""]);

/**
 * The low-cardinality `error.type` of a failure: the error's class name (`RateLimitError`,
 * `APIConnectionTimeoutError`, `AbortError`, …), else `_OTHER` (the spec's fallback) for plain
 * `Error`s, strings and other thrown values.
 *
 * @example
 * errorType(new TypeError("boom")); // → "TypeError"
 * errorType("boom");                // → "_OTHER"
 */
export function errorType(error: unknown): string {
  if (typeof error !== "object" || error === null) return ERROR_TYPE_OTHER;
  const className = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof className === "string" && !GENERIC_NAMES.has(className)) return className;
  const name = (error as { name?: unknown }).name;
  if (typeof name === "string" && !GENERIC_NAMES.has(name)) return name;
  return ERROR_TYPE_OTHER;
}

/**
 * What `span.recordException` accepts, for any thrown value (errors as they are; strings as the
 * message; anything else described, never serialized, so a hostile value cannot blow up the span).
 * Credentials in the message or stack (an SDK error quoting the key it rejected) are masked: such an
 * error is described by a copy of its name, message and stack.
 *
 * @example
 * span.recordException(exceptionOf(err));
 */
export function exceptionOf(error: unknown): Exception {
  if (typeof error === "string") return maskSecretsInString(error);
  if (error instanceof Error) {
    const message = maskSecretsInString(error.message);
    const stack = error.stack === undefined ? undefined : maskSecretsInString(error.stack);
    if (message === error.message && stack === error.stack) return error;
    return stack === undefined ? { name: error.name, message } : { name: error.name, message, stack };
  }
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string") {
    return { message: maskSecretsInString((error as { message: string }).message), name: errorType(error) };
  }
  return { message: `Non-error thrown: ${typeof error}`, name: ERROR_TYPE_OTHER };
}

/**
 * The status message of a failed span: the error's message.
 *
 * @example
 * span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
 */
export function errorMessage(error: unknown): string {
  const exception = exceptionOf(error);
  return typeof exception === "string" ? exception : (exception.message ?? "");
}
