// Benchmark 1: one streamed token through a run manager to one trivial handler (awaitHandlers on):
// @langchain/core's CallbackManagerForLLMRun.handleLLMNewToken vs runledger's, with the same handler
// instance (a LangChain BaseCallbackHandler subclass, which runledger accepts as it is).
import { BaseCallbackHandler as LangChainBaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager as LangChainCallbackManager } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import { compare, type Contender } from "./harness.js";
import { messagesOf, SERIALIZED } from "./payloads.js";
import { formatRatio, PAIR_HEADER, pairRow, type Section } from "./report.js";
import { rl } from "./subject.js";

const TARGET = 20;

/** The trivial handler: counts tokens; `awaitHandlers` on, as the issue asks. */
class TokenCounter extends LangChainBaseCallbackHandler {
  name = "TokenCounter";
  tokens = 0;

  constructor() {
    super({ _awaitHandler: true });
  }

  override handleLLMNewToken(): void {
    this.tokens++;
  }
}

/** Runs benchmark 1. */
export async function tokenDispatch(): Promise<Section> {
  const handler = new TokenCounter();
  const ourRun = rl.CallbackManager.configure({ callbacks: [handler] }).handleChatModelStart(SERIALIZED, messagesOf());
  const peerManager = new LangChainCallbackManager();
  peerManager.addHandler(handler);
  const [peerRun] = await peerManager.handleChatModelStart(SERIALIZED, messagesOf() as unknown as BaseMessage[][]);
  if (peerRun === undefined) throw new Error("@langchain/core started no run");

  // The documented way to call it: the manager returns a promise only when a handler returned one.
  const ours: Contender<void> = {
    name: "runledger",
    run(_state, ops) {
      for (let i = 0; i < ops; i++) {
        const pending = ourRun.handleLLMNewToken(" tok");
        if (pending !== undefined) throw new Error("a synchronous handler made the manager return a promise");
      }
    },
  };
  // A caller that awaits every call, as LangChain.js callers must.
  const oursAwaited: Contender<void> = {
    name: "runledger (await every call)",
    async run(_state, ops) {
      for (let i = 0; i < ops; i++) await ourRun.handleLLMNewToken(" tok");
    },
  };
  const peer: Contender<void> = {
    name: "@langchain/core",
    async run(_state, ops) {
      for (let i = 0; i < ops; i++) await peerRun.handleLLMNewToken(" tok");
    },
  };

  const [oursStats, peerStats] = await compare(ours, peer);
  const [awaitedStats, peerStats2] = await compare(oursAwaited, peer);
  const main = pairRow("handleLLMNewToken, 1 handler", oursStats, peerStats);
  const awaited = pairRow("same, caller awaits every call", awaitedStats, peerStats2);
  if (handler.tokens === 0) throw new Error("the handler received no token");
  return {
    title: "1. Token dispatch",
    header: PAIR_HEADER,
    rows: [main.row, awaited.row],
    checks: [
      {
        label: `1. token dispatch ≥ ${TARGET}× faster than @langchain/core`,
        met: main.ratio >= TARGET,
        measured: `${formatRatio(main.ratio)}× (${formatRatio(awaited.ratio)}× when the caller awaits every call)`,
      },
    ],
    notes: [
      "Same handler instance on both sides: a @langchain/core BaseCallbackHandler subclass with awaitHandlers on whose handleLLMNewToken increments a counter.",
      "runledger row: the manager returns undefined when no handler returned a promise, and the caller awaits only what it gets (how runledger's provider wrappers call it). Second row: the caller `await`s every call anyway, costing one microtask per token.",
    ],
  };
}
