import type {
  CallbackHandler,
  CallbackHandlerMethods,
  NewTokenFields,
  NewTokenIndices,
} from "./base-callback-handler.js";
import { getDefaultHandlerTimeout, settledWithin, withHandlerTimeout } from "./handler-timeout.js";
import { describeValue } from "./describe-value.js";
import { isThenable } from "./is-thenable.js";
import { emitWarning } from "./warnings.js";
import { bufferString } from "./buffer-string.js";
import { insideRunContext, runOutsideContext, tokenHandlerDepth } from "./context.js";

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

/** A method that dispatch calls (wrapRunExecution is called by the run managers themselves). */
export type DispatchedMethod = Exclude<CallbackMethod, "wrapRunExecution">;

/** One kind of callback event: the handler method it calls and the flag that lets a handler skip it. */
export interface CallbackEvent {
  readonly method: DispatchedMethod;
  /** The flag that skips it; undefined for events no flag skips (`handleText`). */
  readonly ignore: IgnoreFlag | undefined;
  /** The handler's method for this event; undefined when it has none or ignores the event's family. */
  readonly methodOf: (handler: CallbackHandler) => AnyCallback | undefined;
}

type Found = AnyCallback | undefined;

// Each event's method and flag are read by name, by its own small function: reading
// `handler[method]` in the shared dispatch loop is a keyed load that sees every method name and every
// handler class (megamorphic), and it was the hottest line of a traced run.
/** Every callback event, by method name. */
export const CALLBACK_EVENTS: { readonly [M in DispatchedMethod]: CallbackEvent } = {
  handleLLMStart: {
    method: "handleLLMStart",
    ignore: "ignoreLLM",
    methodOf: (h) => (h.ignoreLLM === true ? undefined : (h.handleLLMStart as Found)),
  },
  handleChatModelStart: {
    method: "handleChatModelStart",
    ignore: "ignoreLLM",
    methodOf: chatModelStartOf,
  },
  handleLLMNewToken: {
    method: "handleLLMNewToken",
    ignore: "ignoreLLM",
    methodOf: (h) => (h.ignoreLLM === true ? undefined : (h.handleLLMNewToken as Found)),
  },
  handleLLMEnd: {
    method: "handleLLMEnd",
    ignore: "ignoreLLM",
    methodOf: (h) => (h.ignoreLLM === true ? undefined : (h.handleLLMEnd as Found)),
  },
  handleLLMError: {
    method: "handleLLMError",
    ignore: "ignoreLLM",
    methodOf: (h) => (h.ignoreLLM === true ? undefined : (h.handleLLMError as Found)),
  },
  handleChainStart: {
    method: "handleChainStart",
    ignore: "ignoreChain",
    methodOf: (h) => (h.ignoreChain === true ? undefined : (h.handleChainStart as Found)),
  },
  handleChainEnd: {
    method: "handleChainEnd",
    ignore: "ignoreChain",
    methodOf: (h) => (h.ignoreChain === true ? undefined : (h.handleChainEnd as Found)),
  },
  handleChainError: {
    method: "handleChainError",
    ignore: "ignoreChain",
    methodOf: (h) => (h.ignoreChain === true ? undefined : (h.handleChainError as Found)),
  },
  // LangChain.js delivers text to every handler: no flag skips it.
  handleText: {
    method: "handleText",
    ignore: undefined,
    methodOf: (h) => h.handleText as Found,
  },
  handleToolStart: {
    method: "handleToolStart",
    ignore: "ignoreTool",
    methodOf: (h) => (h.ignoreTool === true || h.ignoreAgent === true ? undefined : (h.handleToolStart as Found)),
  },
  handleToolEnd: {
    method: "handleToolEnd",
    ignore: "ignoreTool",
    methodOf: (h) => (h.ignoreTool === true || h.ignoreAgent === true ? undefined : (h.handleToolEnd as Found)),
  },
  handleToolError: {
    method: "handleToolError",
    ignore: "ignoreTool",
    methodOf: (h) => (h.ignoreTool === true || h.ignoreAgent === true ? undefined : (h.handleToolError as Found)),
  },
  handleRetrieverStart: {
    method: "handleRetrieverStart",
    ignore: "ignoreRetriever",
    methodOf: (h) => (h.ignoreRetriever === true ? undefined : (h.handleRetrieverStart as Found)),
  },
  handleRetrieverEnd: {
    method: "handleRetrieverEnd",
    ignore: "ignoreRetriever",
    methodOf: (h) => (h.ignoreRetriever === true ? undefined : (h.handleRetrieverEnd as Found)),
  },
  handleRetrieverError: {
    method: "handleRetrieverError",
    ignore: "ignoreRetriever",
    methodOf: (h) => (h.ignoreRetriever === true ? undefined : (h.handleRetrieverError as Found)),
  },
  handleCustomEvent: {
    method: "handleCustomEvent",
    ignore: "ignoreCustomEvent",
    methodOf: (h) => (h.ignoreCustomEvent === true ? undefined : (h.handleCustomEvent as Found)),
  },
};

// LangChain.js's rule: a handler without handleChatModelStart gets handleLLMStart, with each
// prompt's messages as one string ("Human: …\nAI: …").
function chatModelStartOf(h: CallbackHandler): Found {
  if (h.ignoreLLM === true) return undefined;
  if (h.handleChatModelStart !== undefined) return h.handleChatModelStart as Found;
  const llmStart = h.handleLLMStart as Found;
  if (llmStart === undefined) return undefined;
  return function (this: CallbackHandler, llm: unknown, messages: unknown, ...rest: unknown[]) {
    const prompts = Array.isArray(messages) ? messages.map((prompt) => bufferString(prompt)) : [];
    return llmStart.call(this, llm, prompts, ...rest);
  };
}

/**
 * Calls the event's method on every handler that has it and does not ignore its family, in
 * registration order, synchronously, outside the caller's run context (LangChain.js's rule: a traced
 * call made by a handler is not a child of the run it handles). Positional arguments are passed as
 * they are. Returns a promise only when a handler with `awaitHandlers` or `raiseError` returned one;
 * otherwise undefined. A `raiseError` handler's error reaches the caller: thrown after every handler
 * was called when it threw, through the returned promise when it rejected.
 *
 * @example
 * dispatch(handlers, CALLBACK_EVENTS.handleText, "step 1 done", runId);
 */
export function dispatch(
  handlers: readonly CallbackHandler[],
  event: CallbackEvent,
  a?: unknown,
  b?: unknown,
  c?: unknown,
  d?: unknown,
  e?: unknown,
  f?: unknown,
  g?: unknown,
  h?: unknown,
): Promise<void> | undefined {
  if (handlers.length === 0) return undefined;
  if (insideRunContext()) return runOutsideContext(() => callEach(handlers, event, a, b, c, d, e, f, g, h));
  return callEach(handlers, event, a, b, c, d, e, f, g, h);
}

function callEach(
  handlers: readonly CallbackHandler[],
  event: CallbackEvent,
  a: unknown,
  b: unknown,
  c: unknown,
  d: unknown,
  e: unknown,
  f: unknown,
  g: unknown,
  h: unknown,
): Promise<void> | undefined {
  let awaited: Promise<unknown>[] | undefined;
  let raised: { error: unknown } | undefined;
  for (let i = 0; i < handlers.length; i++) {
    const handler = handlers[i] as CallbackHandler;
    if (typeof handler !== "object" || handler === null) continue; // a null entry in a handler list
    const fn = event.methodOf(handler);
    if (fn === undefined) continue;
    let result: unknown;
    try {
      result = fn.call(handler, a, b, c, d, e, f, g, h);
    } catch (error) {
      if (handler.raiseError === true) raised ??= { error };
      else warnOnce(handler, event.method, error);
      continue;
    }
    if (isThenable(result)) awaited = settle(handler, event.method, result, awaited);
  }
  return finish(awaited, raised);
}

// Every handler was called; a raiseError handler's synchronous error is thrown now (its awaited
// siblings' outcomes are observed, so none becomes an unhandled rejection).
function finish(
  awaited: Promise<unknown>[] | undefined,
  raised: { error: unknown } | undefined,
): Promise<void> | undefined {
  if (raised !== undefined) {
    if (awaited !== undefined) void Promise.allSettled(awaited);
    throw raised.error;
  }
  return awaited === undefined ? undefined : allOf(awaited);
}

// The token-handler depth, by a module-local name: read once per token, a local binding costs no
// import-cell load and no initialization check.
const tokenDepth = tokenHandlerDepth;

/**
 * `dispatch` of one streamed token (`handleLLMNewToken`), the event that comes by the thousand: its
 * own loop reads the method by name, so the call site sees one method per handler class and inlines,
 * where the shared loop's accessor call sees every event's (about 4 ns per token instead of 16).
 *
 * @example
 * dispatchToken(handlers, "Hel", { prompt: 0, completion: 0 }, runId);
 */
export function dispatchToken(
  handlers: readonly CallbackHandler[],
  token: string,
  idx: NewTokenIndices,
  runId: string,
  parentRunId?: string,
  tags?: readonly string[],
  fields?: NewTokenFields,
): Promise<void> | undefined {
  let awaited: Promise<unknown>[] | undefined;
  let raised: { error: unknown } | undefined;
  for (let i = 0; i < handlers.length; i++) {
    const handler = handlers[i] as CallbackHandler;
    if (typeof handler !== "object" || handler === null) continue;
    const fn = handler.handleLLMNewToken as AnyCallback | undefined;
    if (fn === undefined || handler.ignoreLLM === true) continue;
    if (tokenFailures !== undefined && tokenFailures.get(handler) === runId) continue;
    // The depth is raised around the call only and put back on both exits of its try/catch; the rare
    // paths raise it again in their own functions. A try/finally around the loop cost ~1.3 ns of ~5.2.
    const depth = tokenDepth.depth;
    tokenDepth.depth = depth + 1;
    let result: unknown;
    try {
      result = fn.call(handler, token, idx, runId, parentRunId, tags, fields);
    } catch (error) {
      tokenDepth.depth = depth;
      if (handler.raiseError === true) raised ??= { error };
      else inTokenHandlerScope(warnOnce, handler, "handleLLMNewToken", error);
      // A handler that throws on a token would throw on the next thousand (an Error's stack costs
      // ~30 µs each): it gets no more tokens of this run. Its other events, and other runs, still come.
      (tokenFailures ??= new WeakMap()).set(handler, runId);
      continue;
    }
    tokenDepth.depth = depth;
    if (result !== undefined && isThenable(result))
      awaited = inTokenHandlerScope(settle, handler, "handleLLMNewToken", result, awaited);
  }
  return awaited === undefined && raised === undefined ? undefined : finish(awaited, raised);
}

// Runs one of dispatchToken's rare paths (a handler's error, its promise) with the depth raised, as
// the handler itself ran: what those paths call sees no ambient context either.
function inTokenHandlerScope<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
  tokenHandlerDepth.depth++;
  try {
    return fn(...args);
  } finally {
    tokenHandlerDepth.depth--;
  }
}

// A handler returned a promise: its failure is reported like a thrown error; the caller waits for it
// (with the handler timeout) only when the handler asks to be awaited, else it is tracked for
// awaitAllCallbacks. Returns the list of promises to wait for.
function settle(
  handler: CallbackHandler,
  method: DispatchedMethod,
  result: PromiseLike<unknown>,
  awaited: Promise<unknown>[] | undefined,
): Promise<unknown>[] | undefined {
  const settled = Promise.resolve(result).then(undefined, (error: unknown) =>
    reportHandlerError(handler, method, error),
  );
  // A raiseError handler is awaited, as in LangChain.js, so its rejection can reach the caller.
  if (handler.awaitHandlers !== true && handler.raiseError !== true) {
    track(handler, method, settled);
    return awaited;
  }
  // Only a promise the caller awaits gets a timer (a hung handler must not hang the app).
  const list = awaited ?? [];
  list.push(withHandlerTimeout(settled, handler, method));
  return list;
}

function allOf(awaited: Promise<unknown>[]): Promise<void> {
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
      emitWarning(
        "handler_timeout",
        `awaitAllCallbacks: ${pending.size} callback promise(s) still pending at the deadline; not waiting for them`,
      );
      return;
    }
  }
}

function track(handler: CallbackHandler, method: CallbackMethod, promise: Promise<unknown>): void {
  const settled = promise.then(undefined, (error: unknown) => warnOnce(handler, method, error));
  pending.add(settled);
  trackedSince.set(settled, Date.now());
  void settled.finally(() => {
    pending.delete(settled);
    trackedSince.delete(settled);
  });
  sweeper ??= setInterval(releaseOverdue, getDefaultHandlerTimeout()).unref();
}

// The run whose tokens a handler no longer gets, after it threw on one of them (see dispatchToken).
let tokenFailures: WeakMap<CallbackHandler, string> | undefined;

// A handler promise that never settles is released once the handler timeout has passed (one warning
// per sweep), so it is not kept, with everything it holds, for the life of the process. One timer
// for all of them, not one per promise; it stops when nothing is tracked.
const trackedSince = new Map<Promise<unknown>, number>();
let sweeper: NodeJS.Timeout | undefined;

function releaseOverdue(): void {
  const cutoff = Date.now() - getDefaultHandlerTimeout();
  let released = 0;
  for (const [promise, since] of trackedSince) {
    if (since > cutoff) break; // insertion order: the rest are younger
    trackedSince.delete(promise);
    pending.delete(promise);
    released++;
  }
  if (released > 0)
    emitWarning("handler_timeout", `${released} callback promise(s) still pending after the handler timeout: released`);
  if (trackedSince.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
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
  const name = describeValue(handler.name ?? handler.constructor?.name ?? "handler");
  const reason = describeValue(error);
  emitWarning("handler_error", `Error in callback handler ${name}, ${method}: ${reason}`, error);
}

function noop(): void {}
