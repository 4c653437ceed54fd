// Cases ported from @langchain/core's own suites (langchain-ai/langchainjs,
// libs/langchain-core/src/callbacks/tests/callbacks.test.ts and manager.test.ts): same inputs and
// expected outputs, the scenario run through the real LangChain.js CallbackManager (the oracle) and
// through runledger's. Agent events (handleAgentAction / handleAgentEnd) are left out of the
// scenarios: runledger has none (see README, "Differences from LangChain and LangSmith").
import { CallbackManager as LangChainCallbackManager } from "@langchain/core/callbacks/manager";
import { awaitAllCallbacks as awaitLangChainCallbacks } from "@langchain/core/callbacks/promises";
import { Document } from "@langchain/core/documents";
import type { SerializedConstructor } from "@langchain/core/load/serializable";
import { HumanMessage, AIMessage, SystemMessage, getBufferString } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { CallbackManager, withCallbacks, type CallbackHandler } from "../../callbacks/index.js";
import { getCurrentRun, traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { memoryTracer } from "../support/tracing-helpers.js";
import {
  FakeCallbackHandler,
  FakeCallbackHandlerWithChatStart,
  FakeCallbackHandlerWithErrors,
  type FakeHandlerInput,
} from "./fake-handler.js";

const warnings = captureWarnings();
const serialized: SerializedConstructor = { lc: 1, type: "constructor", id: ["test"], kwargs: {} };
const document = new Document({ pageContent: "test", metadata: { test: "test" } });

// LangChain.js's types want its own handler class; the fake is structurally a handler of both.
type LangChainHandler = Parameters<LangChainCallbackManager["addHandler"]>[0];
const asLangChain = (handler: FakeCallbackHandler): LangChainHandler => handler as unknown as LangChainHandler;

/** The scenario of the "CallbackManager" test, through LangChain.js. */
async function langChainScenario(manager: LangChainCallbackManager): Promise<void> {
  for (const llm of await manager.handleLLMStart(serialized, ["test"])) {
    await llm.handleLLMEnd({ generations: [] });
    await llm.handleLLMNewToken("test");
    await llm.handleLLMError(new Error("test"));
  }
  const chain = await manager.handleChainStart(serialized, { test: "test" });
  await chain.handleChainEnd({ test: "test" });
  await chain.handleChainError(new Error("test"));
  const tool = await manager.handleToolStart(serialized, "test");
  await tool.handleToolEnd("test");
  await tool.handleToolError(new Error("test"));
  await chain.handleText("test");
  const retriever = await manager.handleRetrieverStart(serialized, "test");
  await retriever.handleRetrieverEnd([document]);
  await retriever.handleRetrieverError(new Error("test"));
}

/** The same scenario through runledger. */
async function runledgerScenario(manager: CallbackManager): Promise<void> {
  const llm = manager.handleLLMStart(serialized, ["test"]);
  await llm.started;
  await llm.handleLLMEnd({ generations: [] });
  await llm.handleLLMNewToken("test");
  await llm.handleLLMError(new Error("test"));
  const chain = manager.handleChainStart(serialized, { test: "test" });
  await chain.handleChainEnd({ test: "test" });
  await chain.handleChainError(new Error("test"));
  const tool = manager.handleToolStart(serialized, "test");
  await tool.handleToolEnd("test");
  await tool.handleToolError(new Error("test"));
  await chain.handleText("test");
  const retriever = manager.handleRetrieverStart(serialized, "test");
  await retriever.handleRetrieverEnd([document]);
  await retriever.handleRetrieverError(new Error("test"));
}

/** The counts one handler gets from the scenario in LangChain.js and in runledger. */
async function bothWays(
  input: FakeHandlerInput = {},
): Promise<{ oracle: FakeCallbackHandler; ours: FakeCallbackHandler }> {
  const oracle = new FakeCallbackHandler(input);
  const langchain = new LangChainCallbackManager();
  langchain.addHandler(asLangChain(oracle));
  await langChainScenario(langchain);
  const ours = new FakeCallbackHandler(input);
  const manager = new CallbackManager();
  manager.addHandler(ours);
  await runledgerScenario(manager);
  return { oracle, ours };
}

describe("@langchain/core callbacks/tests/callbacks.test.ts", () => {
  it("CallbackManager: two handlers get every event, counted as LangChain.js counts them", async () => {
    const oracle = [new FakeCallbackHandler(), new FakeCallbackHandler()];
    const langchain = new LangChainCallbackManager();
    for (const handler of oracle) langchain.addHandler(asLangChain(handler));
    await langChainScenario(langchain);
    const ours = [new FakeCallbackHandler(), new FakeCallbackHandler()];
    const manager = new CallbackManager();
    for (const handler of ours) manager.addHandler(handler);
    await runledgerScenario(manager);
    for (const [i, handler] of ours.entries()) {
      expect(handler.counts()).toEqual(oracle[i]?.counts());
      // The source's numbers, less its two agent events (one counted as a tool start, one as an end).
      expect(handler.counts()).toMatchObject({ starts: 4, ends: 4, errors: 4, toolStarts: 1, texts: 1 });
    }
  });

  it("CallbackManager Chat Message Handling: a handler without handleChatModelStart gets handleLLMStart", async () => {
    const run = async (manager: "langchain" | "runledger") => {
      const plain = new FakeCallbackHandler();
      const chat = new FakeCallbackHandlerWithChatStart();
      const messages = [[new HumanMessage("test")]];
      if (manager === "langchain") {
        const m = new LangChainCallbackManager();
        m.addHandler(asLangChain(plain));
        m.addHandler(asLangChain(chat));
        for (const llm of await m.handleChatModelStart(serialized, messages))
          await llm.handleLLMEnd({ generations: [] });
      } else {
        const m = new CallbackManager();
        m.addHandler(plain);
        m.addHandler(chat);
        const llm = m.handleChatModelStart(serialized, messages);
        await llm.started;
        await llm.handleLLMEnd({ generations: [] });
      }
      return { plain, chat };
    };
    const oracle = await run("langchain");
    const ours = await run("runledger");
    expect(ours.plain.llmStarts).toBe(1);
    expect(ours.chat.llmStarts).toBe(0);
    expect(ours.chat.chatModelStarts).toBe(1);
    expect(ours.plain.counts()).toEqual(oracle.plain.counts());
    expect(ours.chat.counts()).toEqual(oracle.chat.counts());
    expect(ours.plain.prompts).toEqual(oracle.plain.prompts); // the buffer string "Human: test"
  });

  it.each([
    ["ignoreLLM", { ignoreLLM: true }],
    ["ignoreRetriever", { ignoreRetriever: true }],
    ["ignoreChain", { ignoreChain: true }],
    ["ignoreAgent (skips the handler's tool events)", { ignoreAgent: true }],
  ])("CallbackHandler with %s", async (_name, input) => {
    const { oracle, ours } = await bothWays(input);
    expect(ours.counts()).toEqual(oracle.counts());
  });

  it("CallbackHandler with ignoreLLM: no LLM event at all", async () => {
    const { ours } = await bothWays({ ignoreLLM: true });
    expect(ours.counts()).toMatchObject({ llmStarts: 0, llmEnds: 0, llmStreams: 0 });
  });

  it("CallbackHandler with ignoreAgent: the chain start still counts, tool events do not", async () => {
    const { ours } = await bothWays({ ignoreAgent: true });
    expect(ours.counts()).toMatchObject({ chainStarts: 1, toolStarts: 0, toolEnds: 0 });
  });

  it("CallbackManager with child manager: the child's runs name the chain as parent", async () => {
    const chainRunId = "chainRunId";
    const seen: { llmParent?: string; chainRun?: string; chainParent?: string } = {};
    const manager = CallbackManager.fromHandlers({
      handleLLMStart(_llm, _prompts, _runId, parentRunId) {
        seen.llmParent = parentRunId;
      },
      handleChainStart(_chain, _inputs, runId, parentRunId) {
        seen.chainRun = runId;
        seen.chainParent = parentRunId;
      },
    });
    const chain = manager.handleChainStart(serialized, { test: "test" }, chainRunId);
    chain.getChild().handleLLMStart(serialized, ["test"]);
    expect(seen).toEqual({ llmParent: chainRunId, chainRun: chainRunId, chainParent: undefined });
  });

  it("CallbackManager with child manager inherited handlers: copy(extra, false) adds local handlers", () => {
    const [h1, h2, h3, h4] = [1, 2, 3, 4].map(() => new FakeCallbackHandler()) as FakeCallbackHandler[] &
      [FakeCallbackHandler, FakeCallbackHandler, FakeCallbackHandler, FakeCallbackHandler];
    const build = (m: { setHandlers(h: never[]): void; copy(h: never[], inherit?: boolean): unknown }) => {
      m.setHandlers([h1, h2] as never[]);
      return { copy2: m.copy([h3, h4] as never[]), copy3: m.copy([h3, h4] as never[], false) };
    };
    const names = (list: readonly { name?: string }[]) => list.map((h) => h.name);
    const oracle = build(new LangChainCallbackManager() as never) as Record<string, LangChainCallbackManager>;
    const ours = build(new CallbackManager() as never) as Record<string, CallbackManager>;
    for (const key of ["copy2", "copy3"]) {
      expect(names(ours[key]!.handlers)).toEqual(names(oracle[key]!.handlers));
      expect(names(ours[key]!.inheritableHandlers)).toEqual(names(oracle[key]!.inheritableHandlers));
    }
    const child = ours.copy3!.handleChainStart(serialized, { test: "test" }).getChild();
    expect(names(child.handlers)).toEqual([h1.name, h2.name]);
    expect(names(child.inheritableHandlers)).toEqual([h1.name, h2.name]);
    const grandchild = child.handleToolStart(serialized, "test").getChild();
    expect(names(grandchild.handlers)).toEqual([h1.name, h2.name]);
  });

  it("CallbackManager.copy(): handlers, tags and metadata, inheritable or not", () => {
    const [h1, h2, h3, h4] = [1, 2, 3, 4].map(() => new FakeCallbackHandler()) as [
      FakeCallbackHandler,
      FakeCallbackHandler,
      FakeCallbackHandler,
      FakeCallbackHandler,
    ];
    const manager = new CallbackManager();
    manager.addHandler(h1, true);
    manager.addHandler(h2, false);
    manager.addTags(["a"], true);
    manager.addTags(["b"], false);
    manager.addMetadata({ a: "a" }, true);
    manager.addMetadata({ b: "b" }, false);
    expect(manager.handlers).toEqual([h1, h2]);
    expect(manager.inheritableHandlers).toEqual([h1]);
    expect(manager.tags).toEqual(["a", "b"]);
    expect(manager.inheritableTags).toEqual(["a"]);
    expect(manager.metadata).toEqual({ a: "a", b: "b" });
    expect(manager.inheritableMetadata).toEqual({ a: "a" });
    const copy2 = manager.copy([h3]);
    expect(copy2.handlers).toEqual([h1, h2, h3]);
    expect(copy2.inheritableHandlers).toEqual([h1, h3]);
    expect(copy2.tags).toEqual(["a", "b"]);
    expect(copy2.inheritableTags).toEqual(["a"]);
    const copy3 = copy2.copy([h4], false);
    expect(copy3.handlers).toEqual([h1, h2, h3, h4]);
    expect(copy3.inheritableHandlers).toEqual([h1, h3]);
  });

  it("error handling in chain start: a raiseError handler's rejection reaches the caller; LLM start is fine", async () => {
    const oracle = new LangChainCallbackManager(undefined);
    oracle.addHandler(asLangChain(new FakeCallbackHandlerWithErrors({ ignoreLLM: true })));
    await expect(oracle.handleChainStart(serialized, { test: "test" })).rejects.toThrow("error!");
    await oracle.handleLLMStart(serialized, ["test"]);

    const manager = new CallbackManager();
    manager.addHandler(new FakeCallbackHandlerWithErrors({ ignoreLLM: true }));
    await expect(manager.handleChainStart(serialized, { test: "test" }).started).rejects.toThrow("error!");
    expect(manager.handleLLMStart(serialized, ["test"]).started).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("error handling in llm start: the LLM start rejects, the chain start is fine", async () => {
    const oracle = new LangChainCallbackManager(undefined);
    oracle.addHandler(asLangChain(new FakeCallbackHandlerWithErrors({ ignoreChain: true })));
    await oracle.handleChainStart(serialized, { test: "test" });
    await expect(oracle.handleLLMStart(serialized, ["test"])).rejects.toThrow("llm start error!");

    const manager = new CallbackManager();
    manager.addHandler(new FakeCallbackHandlerWithErrors({ ignoreChain: true }));
    expect(manager.handleChainStart(serialized, { test: "test" }).started).toBeUndefined();
    await expect(manager.handleLLMStart(serialized, ["test"]).started).rejects.toThrow("llm start error!");
  });

  it("chain should still run if a normal callback handler throws an error", async () => {
    const chain = traceable(async (_input: object) => "hello world", { name: "chain" });
    const bad: CallbackHandler = {
      handleChainStart: () => {
        throw new Error("Bad");
      },
    };
    expect(await withCallbacks([bad], () => chain({}))).toBe("hello world");
    expect(warnings.map((w) => w.code)).toEqual(["handler_error"]);
  });

  it("runnables in callbacks should be root runs (handlers run outside the handled run)", async () => {
    const { tracer, runs } = memoryTracer();
    let inHandler: ReturnType<typeof getCurrentRun> | null = null;
    let finalInputs: unknown;
    const subRun = traceable(async (_input: { foo: string }) => "hello world", { name: "subRun" });
    const watcher: CallbackHandler = {
      handleChainStart: (_chain, inputs) => {
        finalInputs = inputs;
        inHandler = getCurrentRun() ?? null;
      },
    };
    const nested = traceable(async () => subRun({ foo: "bar" }), { name: "nested" });
    const result = await withCallbacks([tracer, watcher], () => nested());
    expect(result).toBe("hello world");
    expect(inHandler).toBeNull();
    expect(finalInputs).toEqual({ foo: "bar" });
    const all = await runs();
    expect(all.find((r) => r.name === "subRun")?.parent_run_id).toBe(all.find((r) => r.name === "nested")?.id);
  });
});

describe("@langchain/core callbacks/tests/manager.test.ts", () => {
  it("configure with empty array", () => {
    expect(LangChainCallbackManager.configure([])?.handlers.length).toBe(0);
    expect(CallbackManager.configure({ callbacks: [] }).handlers.length).toBe(0);
  });

  it("configure with no arguments: a manager with no handlers (LangChain.js: undefined)", () => {
    expect(LangChainCallbackManager.configure()).toBeUndefined();
    expect(CallbackManager.configure().handlers).toEqual([]);
  });

  it("configure with no arguments but with a handler in context (LangChain.js: a configure hook)", () => {
    const handler = new FakeCallbackHandler();
    withCallbacks([handler], () => {
      expect(CallbackManager.configure().handlers[0]).toBe(handler);
    });
  });

  it("configure with one handler", () => {
    const handler = new FakeCallbackHandler();
    expect(LangChainCallbackManager.configure([asLangChain(handler)])?.handlers[0]).toBe(handler);
    expect(CallbackManager.configure({ callbacks: [handler] }).handlers[0]).toBe(handler);
  });

  it("a handler in context and in callbacks is added once (registerConfigureHook avoids multiple)", () => {
    const handler = new FakeCallbackHandler();
    withCallbacks([handler], () => {
      const manager = CallbackManager.configure({ callbacks: [handler] });
      expect(manager.handlers[0]).toBe(handler);
      expect(manager.handlers[1]).toBeUndefined();
    });
  });

  it("configure's callbacks are inheritable: a child run keeps the handler (RunnableConfig semantics)", async () => {
    const oracle = new FakeCallbackHandler();
    const lc = LangChainCallbackManager.configure([asLangChain(oracle)]);
    const lcChain = await lc!.handleChainStart(serialized, {});
    expect(lcChain.getChild().handlers).toContain(oracle);
    const ours = new FakeCallbackHandler();
    const chain = CallbackManager.configure({ callbacks: [ours] }).handleChainStart(serialized, {});
    expect(chain.getChild().handlers).toContain(ours);
  });

  it("configure's local handlers, tags and metadata stay on the run (LangChain.js's localHandlers)", async () => {
    const handler = new FakeCallbackHandler();
    const lc = LangChainCallbackManager.configure(undefined, [asLangChain(handler)], undefined, ["t"], undefined, {
      m: 1,
    });
    const lcChild = (await lc!.handleChainStart(serialized, {})).getChild();
    const ours = CallbackManager.configure({ localCallbacks: [handler], localTags: ["t"], localMetadata: { m: 1 } });
    const child = ours.handleChainStart(serialized, {}).getChild();
    expect(ours.handlers).toEqual([handler]);
    expect(ours.tags).toEqual(lc!.tags);
    expect(ours.metadata).toEqual(lc!.metadata);
    expect(child.handlers).toEqual(lcChild.handlers);
    expect(child.tags).toEqual(lcChild.tags);
    expect(child.metadata).toEqual(lcChild.metadata);
  });

  it("configure's inheritable tags and metadata reach the child, as in LangChain.js", async () => {
    const lc = LangChainCallbackManager.configure([], undefined, ["a"], ["b"], { x: 1 }, { y: 2 });
    const lcChild = (await lc!.handleChainStart(serialized, {})).getChild();
    const ours = CallbackManager.configure({
      tags: ["a"],
      localTags: ["b"],
      metadata: { x: 1 },
      localMetadata: { y: 2 },
    });
    const child = ours.handleChainStart(serialized, {}).getChild();
    expect(ours.tags).toEqual(lc!.tags);
    expect(ours.metadata).toEqual(lc!.metadata);
    expect(child.tags).toEqual(lcChild.tags);
    expect(child.metadata).toEqual(lcChild.metadata);
  });
});

describe("@langchain/core messages/utils getBufferString (the handleLLMStart fallback's prompt)", () => {
  it.each([
    ["one human message", [new HumanMessage("test")]],
    ["a conversation", [new SystemMessage("Be brief"), new HumanMessage("Hi"), new AIMessage("Hello!")]],
    ["a named message", [new HumanMessage({ content: "hi", name: "alice" })]],
    [
      "an AI message with tool calls",
      [
        new AIMessage({
          content: "",
          tool_calls: [{ id: "call_1", name: "search", args: { q: "x" }, type: "tool_call" }],
        }),
      ],
    ],
    [
      "text content blocks",
      [
        new HumanMessage({
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        }),
      ],
    ],
  ])("%s", async (_name, messages) => {
    const handler = new FakeCallbackHandler();
    await CallbackManager.configure({ callbacks: [handler] }).handleChatModelStart(serialized, [messages]).started;
    expect(handler.prompts).toEqual([[getBufferString(messages)]]);
  });
});

// LangChain.js runs non-awaited handlers in a background queue; drain it so no test leaks into the next.
await awaitLangChainCallbacks();
