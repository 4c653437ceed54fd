import type { CallbackContext } from "./context.js";

/**
 * Extends a callback scope (`withCallbacks`, a run's `runInContext`) into another library's context,
 * e.g. so LangChain.js runs started inside report to the scope's handlers, under the scope's run.
 * Must call `fn` exactly once and return its result.
 */
export type ScopeExtension = <T>(context: CallbackContext, fn: () => T) => T;

// Shared through globalThis so the ESM and CJS builds apply the same extensions.
const KEY = Symbol.for("runledger.scope-extensions");
const holder = globalThis as { [KEY]?: { ready: ScopeExtension[]; loading: Set<Promise<unknown>> } };
const registry = (holder[KEY] ??= { ready: [], loading: new Set() });

/**
 * Registers a scope extension, or a promise of one (for extensions that load an optional package
 * first). `withUsageMetadata` waits for pending ones before it runs its function.
 *
 * @example
 * registerScopeExtension(import("./my-bridge.js").then((m) => m.extension));
 */
export function registerScopeExtension(extension: ScopeExtension | Promise<ScopeExtension | undefined>): void {
  if (typeof extension === "function") {
    if (!registry.ready.includes(extension)) registry.ready.push(extension);
    return;
  }
  const loading = extension.then(
    (loaded) => {
      if (loaded !== undefined) registerScopeExtension(loaded);
    },
    () => undefined, // an optional package that failed to load simply adds nothing
  );
  registry.loading.add(loading);
  void loading.finally(() => registry.loading.delete(loading));
}

/**
 * Settles when every extension registered so far has loaded (or failed to); undefined when none is
 * loading, the case of every scope after start-up: scopes then pay no promise and no turn for it.
 *
 * @example
 * const loading = scopeExtensionsReady();
 * if (loading !== undefined) await loading;
 */
export function scopeExtensionsReady(): Promise<void> | undefined {
  return registry.loading.size === 0 ? undefined : allLoaded();
}

async function allLoaded(): Promise<void> {
  while (registry.loading.size > 0) await Promise.all([...registry.loading]);
}

/**
 * Runs `fn` inside every ready extension, the last registered outermost (the first is given `fn`
 * itself: with one extension, the usual case, no function is made per scope).
 *
 * @example
 * applyScopeExtensions(context, () => work());
 */
export function applyScopeExtensions<T>(context: CallbackContext, fn: () => T): T {
  const ready = registry.ready;
  return ready.length === 0 ? fn() : applyFrom(ready, ready.length - 1, context, fn);
}

function applyFrom<T>(ready: readonly ScopeExtension[], index: number, context: CallbackContext, fn: () => T): T {
  const extension = ready[index] as ScopeExtension;
  return index === 0 ? extension(context, fn) : extension(context, () => applyFrom(ready, index - 1, context, fn));
}
