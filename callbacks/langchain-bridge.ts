import type { AsyncLocalStorage } from "node:async_hooks";
import { currentBudgetSignal, joinSignals } from "./budget-context.js";
import { registerRunContextStorage, type CallbackContext } from "./context.js";
import { LangChainBridgeHandler } from "./langchain-bridge-handler.js";
import { requireHere } from "./require-here.cjs";
import { registerScopeExtension, type ScopeExtension } from "./scope-extensions.js";

// @langchain/core keeps its context (run trees, context variables, configure hooks) in one
// AsyncLocalStorage shared through this global symbol; it exists once LangChain.js has loaded.
const LANGCHAIN_STORAGE = Symbol.for("ls:tracing_async_local_storage");
const CONTEXT_VARIABLE = "runledger_scope";
// LangChain.js keeps the config of the runnable being executed in its store's `extra` under this key.
const LC_CHILD_CONFIG = Symbol.for("lc:child_config");

interface LangChainContextModule {
  registerConfigureHook(config: { contextVar: string; inheritable?: boolean }): void;
  setContextVariable(name: string, value: unknown): void;
  getContextVariable(name: string): unknown;
}

/** The copies of @langchain/core/context that could be loaded (none when it is not installed). */
type Loaded = readonly LangChainContextModule[];

interface BridgeState {
  installed: boolean;
  loaded: Loaded | undefined;
  /** LangChain.js stores made by runledger scopes: code there is in the scope's run. */
  scopeStores: WeakSet<object>;
}

// Shared through globalThis: with the ESM and the CJS build both loaded, one bridge serves both.
const KEY = Symbol.for("runledger.langchain-bridge");
const holder = globalThis as { [KEY]?: BridgeState };
const state: BridgeState = (holder[KEY] ??= { installed: false, loaded: undefined, scopeStores: new WeakSet() });

/**
 * Makes runledger scopes (`withCallbacks`, `withUsageMetadata`, traced runs) reach LangChain.js:
 * when @langchain/core is installed, every LangChain.js run started inside a scope reports to the
 * scope's handlers without `callbacks` being passed, through LangChain's `registerConfigureHook`.
 * Importing `runledger` or `runledger/callbacks` calls this. It is synchronous and @langchain/core is
 * loaded synchronously at the first scope that needs it, so there is no start-up window: a LangChain.js
 * call made right after import is seen. Without @langchain/core it does nothing. Idempotent.
 *
 * @example
 * installLangChainBridge();
 * const { usage } = await withUsageMetadata(() => chatModel.invoke("Hello"));
 */
export function installLangChainBridge(): void {
  if (state.installed) return;
  state.installed = true;
  registerScopeExtension(bridgeExtension);
}

const bridgeExtension: ScopeExtension = <T>(scope: CallbackContext, fn: () => T): T => {
  if (scope.handlers.length === 0) return fn();
  // Loading @langchain/core/context also sets up LangChain.js's AsyncLocalStorage.
  const copies = loadLangChain();
  const langchain = copies[0];
  if (langchain === undefined) return fn();
  const storage = langChainStorage();
  if (storage === undefined) return fn();
  // LangChain's setters use enterWith; running inside storage.run confines them to this scope. The
  // store must be a new object: run() with the store already active does not restore on exit.
  // A run's scope (a traced function's body) is inside that run: LangChain.js runs started there are
  // its children, not children of the LangChain.js runnable around it.
  const runScope = scope.parentRunId !== undefined;
  return storage.run(cloneStore(storage.getStore(), runScope), () => {
    // The hook lives in the context's variables: an enclosing scope registered it already.
    if (langchain.getContextVariable(CONTEXT_VARIABLE) === undefined) {
      for (const copy of copies) copy.registerConfigureHook({ contextVar: CONTEXT_VARIABLE, inheritable: true });
    }
    langchain.setContextVariable(CONTEXT_VARIABLE, new LangChainBridgeHandler(scope));
    // setContextVariable entered a new store (which keeps a run tree's `extra`, not a plain store's).
    const entered = storage.getStore();
    if (typeof entered === "object" && entered !== null) {
      if (runScope) state.scopeStores.add(entered);
      const budgetSignal = currentBudgetSignal();
      if (budgetSignal !== undefined) withSignal(entered, budgetSignal);
    }
    return fn();
  });
};

function langChainStorage(): AsyncLocalStorage<unknown> | undefined {
  const storage = (globalThis as { [LANGCHAIN_STORAGE]?: AsyncLocalStorage<unknown> })[LANGCHAIN_STORAGE];
  // Handlers run outside LangChain.js's context too (as LangChain.js runs its own).
  if (storage !== undefined) registerRunContextStorage(storage);
  return storage;
}

// Both copies of @langchain/core/context an app may use: the ES module (when Node can require it) and the
// CommonJS one. Each copy keeps its own list of configure hooks (under a module-local Symbol), while context
// variables live in the one shared store: the hook is registered with every copy, so a CommonJS app's
// LangChain.js sees the scopes as an ES module app's does. Empty when @langchain/core is not installed.
function loadLangChain(): Loaded {
  if (state.loaded !== undefined) return state.loaded;
  const copies: LangChainContextModule[] = [];
  for (const load of [requireEsm, () => requireHere("@langchain/core/context") as LangChainContextModule]) {
    try {
      const copy = load();
      if (copy !== undefined && !copies.includes(copy)) copies.push(copy);
    } catch {
      // an optional peer that is absent or broken simply adds nothing
    }
  }
  state.loaded = copies;
  return copies;
}

/** What runledger reads of a LangChain.js runnable's config: its callback manager. */
export interface LangChainRunnableConfig {
  callbacks?: unknown;
}

/**
 * The config of the LangChain.js runnable being executed, when one is the innermost context (a
 * traced function called inside a LangChain.js chain); undefined when there is none, or when a
 * runledger scope was entered inside it since. `traceable` uses it to join the chain's trace.
 *
 * @example
 * const manager = langChainRunnableConfig()?.callbacks; // LangChain.js's child CallbackManager
 */
export function langChainRunnableConfig(): LangChainRunnableConfig | undefined {
  const store = langChainStorage()?.getStore();
  if (typeof store !== "object" || store === null || state.scopeStores.has(store)) return undefined;
  const config = (store as { extra?: Record<symbol, unknown> }).extra?.[LC_CHILD_CONFIG];
  return typeof config === "object" && config !== null ? (config as LangChainRunnableConfig) : undefined;
}

function requireEsm(): LangChainContextModule | undefined {
  if ((process.features as { require_module?: boolean }).require_module !== true) return undefined;
  const manifest = requireHere.resolve("@langchain/core/package.json");
  const pkg = requireHere(manifest) as { exports?: Record<string, { import?: { default?: string } | string }> };
  const entry = pkg.exports?.["./context"]?.import;
  const file = typeof entry === "string" ? entry : entry?.default;
  if (file === undefined) return undefined;
  return requireHere(manifest.slice(0, -"package.json".length) + file) as LangChainContextModule;
}

/**
 * Puts a budget's signal in the runnable config LangChain.js reads from its context (`ensureConfig`
 * starts every call's config from it), joined with the signal already there: every LangChain.js
 * call made in the scope is given it (`callOptions.signal`, which the integrations pass to their
 * SDK and check between chunks), unless the call passes its own `signal`, which replaces it.
 */
function withSignal(entered: object, signal: AbortSignal): void {
  const store = entered as { extra?: Record<symbol, unknown> };
  const config = store.extra?.[LC_CHILD_CONFIG] as { signal?: unknown } | undefined;
  const joined = joinSignals(config?.signal, signal);
  store.extra = { ...store.extra, [LC_CHILD_CONFIG]: { ...config, signal: joined } };
}

/**
 * A shallow copy that keeps the prototype (LangChain recognizes its RunTree stores by their methods);
 * for a run's scope, without the enclosing runnable's config.
 */
function cloneStore(store: unknown, runScope: boolean): object {
  if (typeof store !== "object" || store === null) return {};
  const prototype = Object.getPrototypeOf(store) as object | null;
  // A plain store (what setContextVariable enters: data keys, an enclosing scope's at every nested
  // scope) is spread: its own keys, symbols included, without a descriptor object per key.
  const copy = (
    prototype === Object.prototype ? { ...store } : Object.create(prototype, Object.getOwnPropertyDescriptors(store))
  ) as { extra?: Record<symbol, unknown> };
  if (runScope && copy.extra?.[LC_CHILD_CONFIG] !== undefined) {
    const { [LC_CHILD_CONFIG]: _dropped, ...extra } = copy.extra;
    copy.extra = extra;
  }
  return copy;
}
