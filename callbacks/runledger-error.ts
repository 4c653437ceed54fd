/**
 * Every `code` a `RunledgerError` can carry, with what it means. Stable: callers branch on them.
 * A new code is added here (the type follows), documented in one line.
 */
export const ERROR_CODES = {
  /** A caller passed an argument or option runledger cannot use (a bad provider name, timeout, price record). */
  invalid_argument: "an argument or option is not valid",
  /** A value given as a provider payload is not one (not an object, or no known shape). */
  invalid_payload: "a value is not a provider payload",
  /** An awaited `raiseError` handler did not settle within its timeout. */
  handler_timeout: "an awaited handler did not settle in time",
  /** A spool directory is a symbolic link, another user's, or writable by others: not written to. */
  unsafe_spool: "a spool directory is not private to this user",
  /** The caller stopped reading a wrapped stream before it ended; the request was aborted. */
  stream_abandoned: "a stream was abandoned before its end",
  /** A `withBudget` limit (cost or tokens) was passed; its calls in flight were aborted. */
  budget_exceeded: "a budget's cost or token limit was passed",
} as const;

/** The code of a `RunledgerError`: one of `ERROR_CODES`. */
export type RunledgerErrorCode = keyof typeof ERROR_CODES;

// Registered symbols (Symbol.for) are one per process: the ESM and CJS builds, and duplicate installs,
// share them, so a brand set by one copy is recognized by another where a prototype check is not.
const BRAND = Symbol.for("runledger.error");

/**
 * The base of every error runledger throws: `name` (the class), `code` (one of `ERROR_CODES`) and
 * `cause` (the error behind it, if any). `instanceof` works across the ESM and CJS builds and
 * duplicate copies of the package: each class that declares its own `marker` (a `Symbol.for` key) is
 * recognized by that marker, not by prototype identity. `RunledgerError.isInstance(x)` is the same
 * test as a type guard.
 *
 * @example
 * try {
 *   normalizeResponse(value);
 * } catch (error) {
 *   if (error instanceof RunledgerError && error.code === "invalid_payload") log.warn(error.message);
 *   else throw error;
 * }
 */
export class RunledgerError extends Error {
  /** The brand of this class; a subclass declares its own so `instanceof` works across copies. */
  static readonly marker: symbol = BRAND;
  override readonly name: string = "RunledgerError";
  /** What went wrong, as a stable machine-readable code. */
  readonly code: RunledgerErrorCode;

  constructor(code: RunledgerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    // Brand the instance with the marker of every class of its chain that declares one (not
    // enumerable: it stays out of logs, spreads and JSON).
    for (let type: unknown = new.target; typeof type === "function"; type = Object.getPrototypeOf(type)) {
      if (Object.hasOwn(type, "marker")) {
        Object.defineProperty(this, (type as unknown as { marker: symbol }).marker, { value: true });
      }
      if (type === RunledgerError) break;
    }
  }

  /**
   * Whether `value` is an instance of this class (of any copy of runledger), as a type guard.
   *
   * @example
   * if (HandlerTimeoutError.isInstance(error)) console.log(error.handlerName);
   */
  static isInstance<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    return value instanceof this;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!Object.hasOwn(this, "marker")) return Function.prototype[Symbol.hasInstance].call(this, value);
    const marker = (this as unknown as { marker: symbol }).marker;
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
