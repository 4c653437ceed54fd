import { AsyncLocalStorage } from "node:async_hooks";
import type { CallbackHandler } from "./base-callback-handler.js";
import { applyScopeExtensions } from "./scope-extensions.js";

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

/** The ambient callback context (empty outside any `withCallbacks`). */
export function getCallbackContext(): CallbackContext {
  return storage.getStore() ?? EMPTY;
}

/**
 * Runs `fn` with `context` ambient (and extended into other libraries' contexts by the registered
 * scope extensions). Used by `withCallbacks` and by run scopes (`runInContext`, `traceable`).
 */
export function runWithCallbackContext<T>(context: CallbackContext, fn: () => T): T {
  return storage.run(context, () => applyScopeExtensions(context, fn));
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
  return runWithCallbackContext({ ...current, handlers: current.handlers.concat(handlers) }, fn);
}
