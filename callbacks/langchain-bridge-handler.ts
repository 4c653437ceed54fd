import type { CallbackContext } from "./context.js";
import { CALLBACK_EVENTS, dispatch, type CallbackEvent, type CallbackMethod } from "./dispatch.js";

// Position of the parentRunId argument in each start method (LangChain.js's signatures).
const START_METHODS = new Set<CallbackMethod>([
  "handleLLMStart",
  "handleChatModelStart",
  "handleChainStart",
  "handleToolStart",
  "handleRetrieverStart",
]);

let scopes = 0;

/** Marks a bridge handler: a runledger scope as LangChain.js sees it (`isBridgeHandler`). */
const BRIDGE = Symbol.for("runledger.langchain-bridge-handler");

/**
 * Whether `handler` is the bridge handler of a runledger scope (forwarding to that scope's handlers).
 *
 * @example
 * const own = langChainManager.handlers.filter((h) => !isBridgeHandler(h));
 */
export function isBridgeHandler(handler: unknown): boolean {
  return typeof handler === "object" && handler !== null && (handler as { [BRIDGE]?: unknown })[BRIDGE] === true;
}

/**
 * The one handler LangChain.js sees for a runledger scope: it forwards every event to the scope's
 * ambient handlers, and puts LangChain.js root runs under the scope's run (a `traceable`, say), so
 * one trace holds both. LangChain.js awaits it (`awaitHandlers`), which keeps events in order and
 * complete when the LangChain.js call returns; the forwarding itself is synchronous. It does not set
 * `ignoreAgent` (LangChain.js would then skip every tool event); the scope's handlers' own flags
 * apply when the events are forwarded.
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
  readonly ignoreAgent = false;
  readonly scope: CallbackContext;
  readonly [BRIDGE] = true;

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
  forward(event: CallbackEvent, args: unknown[]): Promise<void> | undefined {
    if (START_METHODS.has(event.method) && args[3] === undefined && this.scope.parentRunId !== undefined) {
      args[3] = this.scope.parentRunId;
    }
    const [a, b, c, d, e, f, g, h] = args;
    return dispatch(this.scope.handlers, event, a, b, c, d, e, f, g, h);
  }
}

// Every LangChain.js callback method forwards its event.
for (const event of Object.values(CALLBACK_EVENTS)) {
  Object.defineProperty(LangChainBridgeHandler.prototype, event.method, {
    value(this: LangChainBridgeHandler, ...args: unknown[]) {
      return this.forward(event, args);
    },
    writable: true,
    configurable: true,
  });
}
