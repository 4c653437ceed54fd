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

/** Settles when every extension registered so far has loaded (or failed to). */
export async function scopeExtensionsReady(): Promise<void> {
  while (registry.loading.size > 0) await Promise.all([...registry.loading]);
}

/** Runs `fn` inside every ready extension. */
export function applyScopeExtensions<T>(context: CallbackContext, fn: () => T): T {
  let body = fn;
  for (const extension of registry.ready) {
    const inner = body;
    body = () => extension(context, inner);
  }
  return body();
}
