import type { AsyncLocalStorage } from "node:async_hooks";
import { registerScopeExtension, type ScopeExtension } from "../../callbacks/scope-extensions.js";
import { LangChainBridgeHandler } from "./bridge-handler.js";

// @langchain/core keeps its context (run trees, context variables, configure hooks) in one
// AsyncLocalStorage shared through this global symbol.
const LANGCHAIN_STORAGE = Symbol.for("ls:tracing_async_local_storage");
const CONTEXT_VARIABLE = "runledger_scope";

interface LangChainContextModule {
  registerConfigureHook(config: { contextVar: string; inheritable?: boolean }): void;
  setContextVariable(name: string, value: unknown): void;
}

/**
 * Makes runledger scopes (`withCallbacks`, `withUsageMetadata`, traced runs) reach LangChain.js:
 * when @langchain/core is installed, every LangChain.js run started inside a scope reports to the
 * scope's handlers without `callbacks` being passed, through LangChain's `registerConfigureHook`.
 * Loading `runledger` calls this; without @langchain/core it does nothing.
 *
 * @example
 * installLangChainBridge();
 * const { usage } = await withUsageMetadata(() => chatModel.invoke("Hello"));
 */
export function installLangChainBridge(): void {
  registerScopeExtension(
    import("@langchain/core/context").then(
      (module: LangChainContextModule) => bridgeExtension(module),
      () => undefined,
    ),
  );
}

function bridgeExtension(langchain: LangChainContextModule): ScopeExtension {
  return <T>(scope: Parameters<ScopeExtension>[0], fn: () => T): T => {
    const storage = (globalThis as { [LANGCHAIN_STORAGE]?: AsyncLocalStorage<unknown> })[LANGCHAIN_STORAGE];
    if (storage === undefined || scope.handlers.length === 0) return fn();
    // LangChain's setters use enterWith; running inside storage.run confines them to this scope. The
    // store must be a new object: run() with the store already active does not restore on exit.
    return storage.run(cloneStore(storage.getStore()), () => {
      langchain.registerConfigureHook({ contextVar: CONTEXT_VARIABLE, inheritable: true });
      langchain.setContextVariable(CONTEXT_VARIABLE, new LangChainBridgeHandler(scope));
      return fn();
    });
  };
}

/** A shallow copy that keeps the prototype (LangChain recognizes its RunTree stores by their methods). */
function cloneStore(store: unknown): object {
  if (typeof store !== "object" || store === null) return {};
  return Object.create(
    Object.getPrototypeOf(store) as object | null,
    Object.getOwnPropertyDescriptors(store),
  ) as object;
}
