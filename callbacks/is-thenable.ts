/**
 * Whether a value is a promise or promise-like (has a callable `then`). Never throws: a revoked
 * Proxy or a throwing `then` getter answers "no", so a caller's odd return value is handed back as it
 * is rather than thrown into the caller.
 *
 * @example
 * isThenable(Promise.resolve(1)); // true
 * isThenable({ then: 1 });        // false
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> & object {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return typeof (value as { then?: unknown }).then === "function";
  } catch {
    return false;
  }
}
