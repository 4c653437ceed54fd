import { dispatch, type CallbackContext, type CallbackMethod, type IgnoreFlag } from "../../callbacks/index.js";

// Each LangChain.js callback method, with the flag that lets a handler ignore it.
const FORWARDED: ReadonlyArray<readonly [CallbackMethod, IgnoreFlag]> = [
  ["handleLLMStart", "ignoreLLM"],
  ["handleChatModelStart", "ignoreLLM"],
  ["handleLLMNewToken", "ignoreLLM"],
  ["handleLLMEnd", "ignoreLLM"],
  ["handleLLMError", "ignoreLLM"],
  ["handleChainStart", "ignoreChain"],
  ["handleChainEnd", "ignoreChain"],
  ["handleChainError", "ignoreChain"],
  ["handleText", "ignoreChain"],
  ["handleToolStart", "ignoreTool"],
  ["handleToolEnd", "ignoreTool"],
  ["handleToolError", "ignoreTool"],
  ["handleRetrieverStart", "ignoreRetriever"],
  ["handleRetrieverEnd", "ignoreRetriever"],
  ["handleRetrieverError", "ignoreRetriever"],
  ["handleCustomEvent", "ignoreCustomEvent"],
];

// Position of the parentRunId argument in each start method (LangChain.js's signatures).
const START_METHODS = new Set<CallbackMethod>([
  "handleLLMStart",
  "handleChatModelStart",
  "handleChainStart",
  "handleToolStart",
  "handleRetrieverStart",
]);

let scopes = 0;

/**
 * The one handler LangChain.js sees for a runledger scope: it forwards every event to the scope's
 * ambient handlers, and puts LangChain.js root runs under the scope's run (a `traceable`, say), so
 * one trace holds both. LangChain.js awaits it (`awaitHandlers`), which keeps events in order and
 * complete when the LangChain.js call returns; the forwarding itself is synchronous.
 */
export class LangChainBridgeHandler {
  readonly name: string;
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreTool = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = false;
  readonly ignoreAgent = true;
  readonly scope: CallbackContext;

  constructor(scope: CallbackContext) {
    // LangChain.js adds a hook's handler only if no handler of the same name is present.
    this.name = `runledger_scope_${++scopes}`;
    this.scope = scope;
  }

  /** LangChain.js copies handlers for child managers; the scope is immutable, so this one serves. */
  copy(): this {
    return this;
  }

  /** Forwards one event to the scope's handlers. */
  forward(method: CallbackMethod, ignore: IgnoreFlag, args: unknown[]): Promise<void> | undefined {
    if (START_METHODS.has(method) && args[3] === undefined && this.scope.parentRunId !== undefined) {
      args[3] = this.scope.parentRunId;
    }
    const [a, b, c, d, e, f, g, h] = args;
    return dispatch(this.scope.handlers, ignore, method, a, b, c, d, e, f, g, h);
  }
}

for (const [method, ignore] of FORWARDED) {
  Object.defineProperty(LangChainBridgeHandler.prototype, method, {
    value(this: LangChainBridgeHandler, ...args: unknown[]) {
      return this.forward(method, ignore, args);
    },
    writable: true,
    configurable: true,
  });
}
