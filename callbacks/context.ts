import { AsyncLocalStorage } from "node:async_hooks";
import type { CallbackHandler } from "./base-callback-handler.js";
import { applyScopeExtensions } from "./scope-extensions.js";
import { validHandlers } from "./valid-handlers.js";

/** What is ambient in the current async context: handlers, and the run that new runs nest under. */
export interface CallbackContext {
  readonly handlers: readonly CallbackHandler[];
  readonly parentRunId?: string;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

const EMPTY: CallbackContext = { handlers: [] };

// One store per process, shared through globalThis: if the ESM and the CJS build are both loaded, a
// handler made ambient through one is still seen through the other.
const STORAGE_KEY = Symbol.for("runledger.callback-context");
const holder = globalThis as { [STORAGE_KEY]?: AsyncLocalStorage<CallbackContext> };
const storage: AsyncLocalStorage<CallbackContext> = (holder[STORAGE_KEY] ??= new AsyncLocalStorage());

interface Outside {
  /** Every context a handler must run outside of: ours, the current run's, LangChain.js's. */
  storages: AsyncLocalStorage<unknown>[];
  /** > 0 while a token handler runs (tokens leave context by this flag: no allocation per token). */
  depth: number;
}

const OUTSIDE_KEY = Symbol.for("runledger.outside-context");
const outsideHolder = globalThis as { [OUTSIDE_KEY]?: Outside };
const outside: Outside = (outsideHolder[OUTSIDE_KEY] ??= { storages: [], depth: 0 });
registerRunContextStorage(storage as AsyncLocalStorage<unknown>);

/** The ambient callback context (empty outside any `withCallbacks`, and inside handlers). */
export function getCallbackContext(): CallbackContext {
  return outside.depth > 0 ? EMPTY : (storage.getStore() ?? EMPTY);
}

/**
 * Registers an AsyncLocalStorage that handlers must run outside of (as LangChain.js runs its handlers
 * outside its own context): the current run's, LangChain.js's. Idempotent.
 *
 * @example
 * registerRunContextStorage(currentRunStorage);
 */
export function registerRunContextStorage(contextStorage: AsyncLocalStorage<unknown>): void {
  if (!outside.storages.includes(contextStorage)) outside.storages.push(contextStorage);
}

/**
 * Whether handlers called now must leave a context first; false on the fast path (no context).
 *
 * @example
 * if (insideRunContext()) return runOutsideContext(fn);
 */
export function insideRunContext(): boolean {
  const storages = outside.storages;
  for (let i = 0; i < storages.length; i++)
    if ((storages[i] as AsyncLocalStorage<unknown>).getStore() !== undefined) return true;
  return false;
}

/**
 * Runs `fn` outside every registered context (no ambient handlers, no current run), so a handler's
 * own traced calls are not children of the run it handles and do not reach the handlers again.
 *
 * @example
 * runOutsideContext(() => handler.handleChainEnd(outputs, runId));
 */
export function runOutsideContext<T>(fn: () => T): T {
  return exitFrom(0, fn);
}

function exitFrom<T>(index: number, fn: () => T): T {
  const storages = outside.storages;
  for (let i = index; i < storages.length; i++) {
    const current = storages[i] as AsyncLocalStorage<unknown>;
    if (current.getStore() !== undefined) return current.run(undefined, exitFrom, i + 1, fn) as T;
  }
  return fn();
}

/**
 * The token path's way out of context: dispatchToken raises `depth` while it calls handlers
 * synchronously, and `getCallbackContext` / `getCurrentRun` then see no context (a counter, no
 * allocation per token). Promises a token handler starts keep the caller's context.
 */
export const tokenHandlerDepth: { depth: number } = outside;

/** Whether a token handler is running now (then there is no ambient context). */
export function insideTokenHandler(): boolean {
  return outside.depth > 0;
}

/**
 * Runs `fn` with `context` ambient (and extended into other libraries' contexts by the registered
 * scope extensions). Used by `withCallbacks` and by run scopes (`runInContext`, `traceable`).
 */
export function runWithCallbackContext<T>(context: CallbackContext, fn: () => T): T {
  if (outside.depth === 0) return storage.run(context, applyScopeExtensions<T>, context, fn);
  // A scope opened by a token handler: its body has a context again.
  const depth = outside.depth;
  outside.depth = 0;
  try {
    return storage.run(context, applyScopeExtensions<T>, context, fn);
  } finally {
    outside.depth = depth;
  }
}

/**
 * Runs `fn` with `handlers` ambient: every run started inside it (through `CallbackManager.configure`,
 * our provider wrappers, `traceable`, or LangChain.js once its hook is installed) reports to them too.
 * Scopes nest (inner handlers add to the outer ones) and concurrent scopes never see each other.
 *
 * @example
 * const tracer = new RunTracer();
 * const answer = await withCallbacks([tracer], () => agent.run("What is 2 + 2?"));
 */
export function withCallbacks<T>(handlers: readonly CallbackHandler[], fn: () => T): T {
  const current = getCallbackContext();
  const added = validHandlers(handlers, "withCallbacks");
  return runWithCallbackContext({ ...current, handlers: current.handlers.concat(added) }, fn);
}
