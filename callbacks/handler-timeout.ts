import type { CallbackHandler } from "./base-callback-handler.js";
import { RunledgerError } from "./runledger-error.js";
import { emitWarning } from "./warnings.js";

/** How long an awaited handler may take when neither the handler nor the process sets a timeout. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

// Longest delay setTimeout honours; beyond it Node fires after 1 ms, so longer timeouts mean "none".
const MAX_TIMER_MS = 2_147_483_647;

// Shared through globalThis so both builds of the package, if both get loaded, use one default.
const DEFAULT_KEY = Symbol.for("runledger.handler-timeout-ms");
const store = globalThis as { [DEFAULT_KEY]?: number };

const warned = new WeakMap<object, Set<string>>();

/**
 * The error an awaited handler's promise is replaced with when it does not settle in time and the
 * handler sets `raiseError`; other handlers get a `handler_timeout` warning instead.
 *
 * @example
 * try {
 *   await run.handleLLMEnd(result);
 * } catch (error) {
 *   if (error instanceof HandlerTimeoutError) log.warn(`${error.handlerName} is stuck in ${error.method}`);
 * }
 */
export class HandlerTimeoutError extends RunledgerError {
  static override readonly marker: symbol = Symbol.for("runledger.error.HandlerTimeoutError");
  override readonly name: string = "HandlerTimeoutError";

  constructor(
    readonly handlerName: string,
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super("handler_timeout", `Callback handler ${handlerName}, ${method} did not settle within ${timeoutMs} ms`);
  }
}

/**
 * Sets the process-wide timeout of awaited handler promises (handlers with `awaitHandlers` that
 * return a promise), used when a handler has no `handlerTimeoutMs` of its own. `Infinity` waits
 * forever. Default 30,000 ms.
 *
 * @throws RunledgerError (`invalid_argument`) when `ms` is not a positive number.
 * @example
 * setDefaultHandlerTimeout(5_000); // a hung exporter callback delays the app by 5 s at most
 */
export function setDefaultHandlerTimeout(ms: number): void {
  if (typeof ms !== "number" || !(ms > 0))
    throw new RunledgerError("invalid_argument", `handler timeout must be a positive number of ms, got ${String(ms)}`);
  store[DEFAULT_KEY] = ms;
}

/**
 * The process-wide timeout of awaited handler promises, in ms (`Infinity`: none).
 *
 * @example
 * getDefaultHandlerTimeout(); // 30000
 */
export function getDefaultHandlerTimeout(): number {
  return store[DEFAULT_KEY] ?? DEFAULT_HANDLER_TIMEOUT_MS;
}

/**
 * `promise` (an awaited handler's result), bounded by the handler's timeout: when it has not settled
 * in time, the returned promise resolves anyway with a `handler_timeout` warning (once per handler
 * and method), or rejects with a `HandlerTimeoutError` for a `raiseError` handler. The handler's
 * promise itself keeps running. One timer per awaited promise, cleared as soon as it settles.
 *
 * @example
 * awaited.push(withHandlerTimeout(settled, handler, "handleLLMEnd"));
 */
export function withHandlerTimeout(
  promise: Promise<unknown>,
  handler: CallbackHandler,
  method: string,
): Promise<unknown> {
  const own = handler.handlerTimeoutMs;
  const ms = typeof own === "number" && own > 0 ? own : getDefaultHandlerTimeout();
  if (ms > MAX_TIMER_MS) return promise;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new HandlerTimeoutError(handlerName(handler), method, ms);
      if (handler.raiseError === true) reject(error);
      else {
        warnOnce(handler, method, error);
        resolve(undefined);
      }
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Waits for `promise` at most `ms` milliseconds; resolves to whether it settled in time. The timer
 * keeps the process alive while it waits (the caller is waiting on purpose) and is cleared at once.
 *
 * @example
 * if (!(await settledWithin(Promise.allSettled(pending), 5_000))) warn();
 */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (!(ms <= MAX_TIMER_MS)) return promise.then(() => true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

/**
 * The name a handler is reported under: its `name`, else its class name.
 *
 * @example
 * handlerName(new RunTracer()); // "RunTracer"
 */
export function handlerName(handler: CallbackHandler): string {
  return handler.name ?? handler.constructor?.name ?? "handler";
}

function warnOnce(handler: CallbackHandler, method: string, error: HandlerTimeoutError): void {
  let methods = warned.get(handler);
  if (methods === undefined) warned.set(handler, (methods = new Set()));
  if (methods.has(method)) return;
  methods.add(method);
  emitWarning("handler_timeout", `${error.message}; continuing without waiting for it`, error);
}
