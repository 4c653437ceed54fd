import type { CallbackHandler, CallbackHandlerMethods } from "./handler.js";
import { getDefaultHandlerTimeout, settledWithin, withHandlerTimeout } from "./handler-timeout.js";
import { emitWarning } from "./warnings.js";

/** The flag that makes a handler skip a family of events. */
export type IgnoreFlag = "ignoreLLM" | "ignoreChain" | "ignoreTool" | "ignoreRetriever" | "ignoreCustomEvent";

/** The name of a callback method. */
export type CallbackMethod = keyof CallbackHandlerMethods;

type AnyCallback = (this: CallbackHandler, ...args: unknown[]) => unknown;

// Promises of handlers that are not awaited: kept so awaitAllCallbacks() can wait for them. Shared
// through globalThis so both builds of the package drain the same set.
const PENDING_KEY = Symbol.for("runledger.pending-callbacks");
const pendingHolder = globalThis as { [PENDING_KEY]?: Set<Promise<unknown>> };
const pending: Set<Promise<unknown>> = (pendingHolder[PENDING_KEY] ??= new Set());

const warned = new WeakMap<object, Set<string>>();

type MethodOf = (handler: CallbackHandler) => AnyCallback | undefined;

// One accessor per callback method, each reading its method by name. Reading `handler[method]` in
// the shared loop below instead is a keyed load that sees every method name and every handler class
// (megamorphic), and it was the hottest line of a traced run: each accessor's load only sees the
// handler classes.
const METHOD_OF: { readonly [M in CallbackMethod]: MethodOf } = {
  handleLLMStart: (handler) => handler.handleLLMStart as AnyCallback | undefined,
  handleChatModelStart: (handler) => handler.handleChatModelStart as AnyCallback | undefined,
  handleLLMNewToken: (handler) => handler.handleLLMNewToken as AnyCallback | undefined,
  handleLLMEnd: (handler) => handler.handleLLMEnd as AnyCallback | undefined,
  handleLLMError: (handler) => handler.handleLLMError as AnyCallback | undefined,
  handleChainStart: (handler) => handler.handleChainStart as AnyCallback | undefined,
  handleChainEnd: (handler) => handler.handleChainEnd as AnyCallback | undefined,
  handleChainError: (handler) => handler.handleChainError as AnyCallback | undefined,
  handleToolStart: (handler) => handler.handleToolStart as AnyCallback | undefined,
  handleToolEnd: (handler) => handler.handleToolEnd as AnyCallback | undefined,
  handleToolError: (handler) => handler.handleToolError as AnyCallback | undefined,
  handleRetrieverStart: (handler) => handler.handleRetrieverStart as AnyCallback | undefined,
  handleRetrieverEnd: (handler) => handler.handleRetrieverEnd as AnyCallback | undefined,
  handleRetrieverError: (handler) => handler.handleRetrieverError as AnyCallback | undefined,
  handleText: (handler) => handler.handleText as AnyCallback | undefined,
  handleCustomEvent: (handler) => handler.handleCustomEvent as AnyCallback | undefined,
  wrapRunExecution: (handler) => handler.wrapRunExecution as AnyCallback | undefined,
};

// Likewise, one accessor per ignore flag.
const IGNORES: { readonly [F in IgnoreFlag]: (handler: CallbackHandler) => boolean } = {
  ignoreLLM: (handler) => handler.ignoreLLM === true,
  ignoreChain: (handler) => handler.ignoreChain === true,
  ignoreTool: (handler) => handler.ignoreTool === true,
  ignoreRetriever: (handler) => handler.ignoreRetriever === true,
  ignoreCustomEvent: (handler) => handler.ignoreCustomEvent === true,
};

/**
 * Calls `method` on every handler that has it and does not ignore its event family, in registration
 * order, synchronously. Positional arguments are passed as they are (no array is built per call).
 * Returns a promise only when a handler with `awaitHandlers` returned one; otherwise undefined, so the
 * token path allocates nothing.
 */
export function dispatch(
  handlers: readonly CallbackHandler[],
  ignore: IgnoreFlag,
  method: CallbackMethod,
  a?: unknown,
  b?: unknown,
  c?: unknown,
  d?: unknown,
  e?: unknown,
  f?: unknown,
  g?: unknown,
  h?: unknown,
): Promise<void> | undefined {
  let awaited: Promise<unknown>[] | undefined;
  const methodOf = METHOD_OF[method];
  const ignores = IGNORES[ignore];
  for (let i = 0; i < handlers.length; i++) {
    const handler = handlers[i] as CallbackHandler;
    const fn = methodOf(handler);
    if (fn === undefined || ignores(handler)) continue;
    let result: unknown;
    try {
      result = fn.call(handler, a, b, c, d, e, f, g, h);
    } catch (error) {
      reportHandlerError(handler, method, error);
      continue;
    }
    if (isThenable(result)) {
      const settled = Promise.resolve(result).then(undefined, (error: unknown) => reportHandlerError(handler, method, error));
      // Only a promise the caller awaits gets a timer (a hung handler must not hang the app).
      if (handler.awaitHandlers === true) (awaited ??= []).push(withHandlerTimeout(settled, handler, method));
      else track(handler, method, settled);
    }
  }
  if (awaited === undefined) return undefined;
  return awaited.length === 1 ? (awaited[0] as Promise<void>) : Promise.all(awaited).then(noop);
}

/**
 * Waits until every callback promise that was not awaited by its caller has settled (handlers without
 * `awaitHandlers` that returned promises). Call it before a short-lived process exits. Waits at most
 * `timeoutMs` (default: the process-wide handler timeout, 30,000 ms); promises still pending then
 * are left running, with a `handler_timeout` warning.
 *
 * @example
 * await withUsageMetadata(() => agent.run());
 * await awaitAllCallbacks(); // async handlers (e.g. exporters) are done too
 */
export async function awaitAllCallbacks(options: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? getDefaultHandlerTimeout());
  while (pending.size > 0) {
    if (!(await settledWithin(Promise.allSettled([...pending]), deadline - Date.now()))) {
      emitWarning("handler_timeout", `awaitAllCallbacks: ${pending.size} callback promise(s) still pending at the deadline; not waiting for them`);
      return;
    }
  }
}

function track(handler: CallbackHandler, method: CallbackMethod, promise: Promise<unknown>): void {
  // A raiseError handler that is not awaited cannot raise into its caller; rejecting here would be an
  // unhandled rejection (LangChain.js's trap), so its error stays a warning.
  const settled = promise.then(undefined, (error: unknown) => warnOnce(handler, method, error));
  pending.add(settled);
  void settled.finally(() => pending.delete(settled));
}

/** Reports a handler's error: rethrown for `raiseError` handlers, else a warning (once per method). */
export function reportHandlerError(handler: CallbackHandler, method: CallbackMethod, error: unknown): void {
  if (handler.raiseError === true) throw error;
  warnOnce(handler, method, error);
}

function warnOnce(handler: CallbackHandler, method: CallbackMethod, error: unknown): void {
  let methods = warned.get(handler);
  if (methods === undefined) warned.set(handler, (methods = new Set()));
  if (methods.has(method)) return;
  methods.add(method);
  const name = handler.name ?? handler.constructor?.name ?? "handler";
  const reason = error instanceof Error ? error.message : String(error);
  emitWarning("handler_error", `Error in callback handler ${name}, ${method}: ${reason}`, error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function noop(): void {}
