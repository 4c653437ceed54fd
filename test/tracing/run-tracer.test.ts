import { AIMessage, HumanMessage } from "@langchain/core/messages";
import type { UsageMetadata as LangSmithUsageMetadata } from "langsmith/schemas";
import { afterEach, describe, expect, it } from "vitest";
import { CallbackManager, getDefaultCostEstimator, setDefaultCostEstimator } from "../../callbacks/index.js";
import { RunSchema, type CostEstimator, type GenerationMessage } from "../../schemas/index.js";
import { microsFromIso } from "../../src/tracing/clock.js";
import { dottedOrderSegment } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { chatResult, memoryTracer, named, scriptedClock } from "../support/tracing-helpers.js";

const warnings = captureWarnings();
const usage = { input_tokens: 10, output_tokens: 4, total_tokens: 14 };

// Costs are sums of floats: compared to 12 digits.
function closeTo(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    out[key] = key.endsWith("_cost") ? expect.closeTo(entry as number, 12) : entry;
  }
  return out;
}

describe("RunTracer: the shape of a trace", () => {
  it("links a chain and its children by trace id, parent id, dotted order and execution order", async () => {
    const { tracer, runs } = memoryTracer();
    const chain = CallbackManager.configure({ callbacks: [tracer] }).handleChainStart(
      { name: "agent" },
      { question: "q" },
    );
    chain.runInContext(() => {
      const llm = CallbackManager.configure().handleChatModelStart({ id: ["langchain", "ChatOpenAI"] }, [
        [{ role: "user", content: "q" }],
      ]);
      void llm.handleLLMEnd(chatResult({ usage }));
      const tool = CallbackManager.configure().handleToolStart({ name: "search" }, "query");
      void tool.handleToolEnd("found");
    });
    void chain.handleChainEnd({ answer: "a" });
    const all = await runs();
    expect(all).toHaveLength(3);
    for (const run of all) expect(() => RunSchema.parse(run)).not.toThrow();
    const root = named(all, "agent");
    const llm = named(all, "ChatOpenAI");
    const tool = named(all, "search");
    expect(root.parent_run_id).toBeUndefined();
    expect(root.trace_id).toBe(root.id);
    expect(root.dotted_order).toBe(dottedOrderSegment(microsFromIso(root.start_time) as number, root.id));
    for (const child of [llm, tool]) {
      expect(child.trace_id).toBe(root.id);
      expect(child.parent_run_id).toBe(root.id);
      expect(child.dotted_order).toBe(
        `${root.dotted_order}.${dottedOrderSegment(microsFromIso(child.start_time) as number, child.id)}`,
      );
    }
    expect(root.dotted_order).toMatch(/^\d{8}T\d{12}Z[0-9a-f-]{36}$/);
    expect([root.execution_order, llm.execution_order, tool.execution_order]).toEqual([1, 2, 3]);
    expect(root.child_execution_order).toBe(3);
    expect([llm.dotted_order, tool.dotted_order].sort()).toEqual([llm.dotted_order, tool.dotted_order]);
    expect(root.status).toBe("success");
    expect(root.events?.map((event) => event.name)).toEqual(["start", "end"]);
    expect(root.inputs).toEqual({ question: "q" });
    expect(root.outputs).toEqual({ answer: "a" });
    expect(tool.inputs).toEqual({ input: "query" });
    expect(tool.outputs).toEqual({ output: "found" });
    expect(tracer.size).toBe(0);
  });

  it("sorts 1,500 siblings in execution order, even when the clock does not move", async () => {
    const frozen = 1_714_564_800_123_456;
    for (const clock of [() => frozen, undefined]) {
      const { tracer, runs } = memoryTracer(clock === undefined ? {} : { clock });
      const parent = CallbackManager.configure({ callbacks: [tracer] }).handleChainStart({ name: "parent" }, {});
      const order: string[] = [];
      parent.runInContext(() => {
        for (let i = 0; i < 1500; i++) {
          const child = CallbackManager.configure().handleRetrieverStart({ name: `child-${i}` }, "q");
          order.push(child.runId);
          void child.handleRetrieverEnd([]);
        }
      });
      void parent.handleChainEnd({});
      const children = (await runs()).filter((run) => run.parent_run_id === parent.runId);
      expect(children).toHaveLength(1500);
      const sorted = [...children].sort((a, b) => (a.dotted_order < b.dotted_order ? -1 : 1));
      expect(sorted.map((run) => run.id)).toEqual(order);
      const starts = sorted.map((run) => microsFromIso(run.start_time) as number);
      for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1] as number);
      expect(sorted.map((run) => run.execution_order)).toEqual(order.map((_, i) => i + 2));
    }
  });

  it("clamps a child whose clock reads earlier than its parent's start", async () => {
    const { clock } = scriptedClock(2_000_000, 1_000_000, 1_500_000, 1_000_000);
    const { tracer, runs } = memoryTracer({ clock });
    const parent = CallbackManager.configure({ callbacks: [tracer] }).handleChainStart({ name: "parent" }, {});
    const child = parent.getChild().handleChainStart({ name: "child" }, {});
    void child.handleChainEnd({});
    void parent.handleChainEnd({});
    const all = await runs();
    const [p, c] = [named(all, "parent"), named(all, "child")];
    expect(c.start_time).toBe(p.start_time);
    expect(c.dotted_order).toBe(`${p.dotted_order}.${dottedOrderSegment(2_000_000, c.id)}`);
    // An end read from a clock that went back is clamped to the run's own start as well.
    expect(c.end_time).toBe(c.start_time);
    expect(p.end_time).toBe(p.start_time);
  });

  it("names runs after runName, the last serialized.id element, serialized.name, then the run type (LangChain.js's order)", async () => {
    const { tracer, runs } = memoryTracer();
    const manager = CallbackManager.configure({ callbacks: [tracer] });
    void manager
      .handleChainStart(
        { name: "fromName", id: ["x", "Ignored"] },
        {},
        undefined,
        undefined,
        undefined,
        undefined,
        "fromRunName",
      )
      .handleChainEnd({});
    void manager.handleChainStart({ name: "fromName" }, {}).handleChainEnd({});
    void manager.handleChainStart({ id: ["langchain", "RunnableSequence"] }, {}).handleChainEnd({});
    void manager.handleChainStart({}, {}, undefined, "prompt").handleChainEnd({});
    expect((await runs()).map((run) => run.name)).toEqual(["fromRunName", "fromName", "RunnableSequence", "prompt"]);
  });

  it("keeps invocation params, metadata, tags and serialized; records errors with an error event", async () => {
    const { tracer, runs } = memoryTracer({ projectName: "proj" });
    const manager = CallbackManager.configure({
      callbacks: [tracer],
      tags: ["t1"],
      metadata: { user: "u1" },
    });
    const llm = manager.handleLLMStart({ id: ["OpenAI"] }, ["Say hi"], undefined, undefined, {
      invocation_params: { model: "gpt-x", temperature: 0 },
    });
    void llm.handleLLMError(new Error("rate limited"));
    const [run] = await runs();
    expect(run?.extra?.invocation_params).toEqual({ model: "gpt-x", temperature: 0 });
    expect(run?.extra?.metadata).toEqual({ user: "u1" });
    expect(run?.tags).toEqual(["t1"]);
    expect(run?.serialized).toEqual({ id: ["OpenAI"] });
    expect(run?.inputs).toEqual({ prompts: ["Say hi"] });
    expect(run?.session_name).toBe("proj");
    expect(run?.status).toBe("error");
    expect(run?.error).toMatch(/^rate limited\n\nError: rate limited/);
    expect(run?.events?.map((event) => event.name)).toEqual(["start", "error"]);
  });

  it("keeps the usage of a failed run's partial result (billed tokens of a broken stream)", async () => {
    const { tracer, runs } = memoryTracer();
    const llm = CallbackManager.configure({ callbacks: [tracer] }).handleChatModelStart({ name: "broken" }, [[]]);
    void llm.handleLLMError(new Error("socket hang up"), undefined, undefined, undefined, {
      response: chatResult({ usage, model: "m-1" }),
    });
    const [run] = await runs();
    expect(run?.status).toBe("error");
    expect([run?.prompt_tokens, run?.completion_tokens, run?.total_tokens]).toEqual([10, 4, 14]);
  });

  it("records retriever inputs and outputs as LangSmith does", async () => {
    const { tracer, runs } = memoryTracer();
    const retriever = CallbackManager.configure({ callbacks: [tracer] }).handleRetrieverStart(
      { name: "docs" },
      "what?",
    );
    void retriever.handleRetrieverEnd([{ pageContent: "a", metadata: {} }]);
    const [run] = await runs();
    expect(run?.run_type).toBe("retriever");
    expect(run?.inputs).toEqual({ query: "what?" });
    expect(run?.outputs).toEqual({ documents: [{ pageContent: "a", metadata: {} }] });
  });

  it("records an unknown run type as a chain, with a warning", async () => {
    const { tracer, runs } = memoryTracer();
    void CallbackManager.configure({ callbacks: [tracer] })
      .handleChainStart({ name: "x" }, {}, undefined, "agent")
      .handleChainEnd({});
    expect((await runs())[0]?.run_type).toBe("chain");
    expect(warnings.map((w) => w.code)).toContain("invalid_run_type");
  });
});

describe("RunTracer: LLM runs", () => {
  const originalEstimator = getDefaultCostEstimator();
  afterEach(() => setDefaultCostEstimator(originalEstimator));

  it("stores chat inputs and LangChain.js message outputs as plain JSON", async () => {
    const { tracer, runs } = memoryTracer();
    const messages = [new HumanMessage("What is 2 + 2?")];
    const llm = CallbackManager.configure({ callbacks: [tracer] }).handleChatModelStart({ id: ["ChatX"] }, [messages]);
    messages.push(new HumanMessage("appended later")); // must not change the recorded inputs
    const message = new AIMessage({ content: "4", usage_metadata: usage, response_metadata: { model_name: "m-1" } });
    // LangChain.js hands its message classes to handlers; they are not plain GenerationMessage objects.
    void llm.handleLLMEnd({ generations: [[{ text: "4", message: message as unknown as GenerationMessage }]] });
    const [run] = await runs();
    expect(JSON.parse(JSON.stringify(run))).toEqual(run);
    const inputs = run?.inputs as { messages: unknown[][] };
    expect(inputs.messages[0]).toHaveLength(1);
    expect(inputs.messages[0]?.[0]).toMatchObject({
      lc: 1,
      type: "constructor",
      kwargs: { content: "What is 2 + 2?" },
    });
    const generation = (run?.outputs as { generations: { message: unknown }[][] }).generations[0]?.[0];
    expect(generation?.message).toMatchObject({ lc: 1, kwargs: { content: "4", usage_metadata: usage } });
    expect(run?.outputs?.usage_metadata).toEqual(usage);
  });

  it("puts usage summed over generations on the run, and its cost from the default estimator", async () => {
    const prices: Record<string, number> = { "m-1": 0.001 };
    const estimator: CostEstimator = (model, u) => {
      const price = prices[model];
      if (price === undefined) return undefined;
      return {
        input_cost: u.input_tokens * price,
        output_cost: u.output_tokens * price * 2,
        total_cost: u.input_tokens * price + u.output_tokens * price * 2,
        input_cost_details: {},
        output_cost_details: {},
      };
    };
    setDefaultCostEstimator(estimator);
    const { tracer, runs } = memoryTracer();
    const manager = CallbackManager.configure({ callbacks: [tracer] });
    const second = { input_tokens: 5, output_tokens: 6, total_tokens: 11, input_token_details: { cache_read: 2 } };
    void manager
      .handleChatModelStart({ name: "responseModel" }, [[]])
      .handleLLMEnd(chatResult({ usage, model: "m-1" }, { usage: second, model: "m-1" }));
    // No model in the response: the request's ls_model_name prices it.
    void CallbackManager.configure({ callbacks: [tracer], metadata: { ls_model_name: "m-1" } })
      .handleChatModelStart({ name: "requestModel" }, [[]])
      .handleLLMEnd(chatResult({ usage }));
    void manager.handleChatModelStart({ name: "unpriced" }, [[]]).handleLLMEnd(chatResult({ usage, model: "other" }));
    void manager.handleChatModelStart({ name: "noUsage" }, [[]]).handleLLMEnd(chatResult({}));
    const all = await runs();
    const summed = { input_tokens: 15, output_tokens: 10, total_tokens: 25, input_token_details: { cache_read: 2 } };
    // The cost sits in usage_metadata's own keys, where LangSmith reads it (langsmith's UsageMetadata).
    const priced = {
      ...summed,
      input_cost: 0.015,
      output_cost: 0.02,
      total_cost: 0.035,
      input_cost_details: {},
      output_cost_details: {},
    } satisfies LangSmithUsageMetadata;
    const response = named(all, "responseModel");
    expect(response.prompt_tokens).toBe(15);
    expect(response.completion_tokens).toBe(10);
    expect(response.total_tokens).toBe(25);
    expect(response.outputs?.usage_metadata).toEqual(closeTo(priced));
    expect(response.extra?.metadata?.usage_metadata).toEqual(closeTo(priced));
    expect(response.prompt_cost).toBeCloseTo(0.015, 12);
    expect(response.completion_cost).toBeCloseTo(0.02, 12);
    expect(response.total_cost).toBeCloseTo(0.035, 12);
    expect(named(all, "requestModel").total_cost).toBeCloseTo(0.018, 12);
    const unpriced = named(all, "unpriced");
    expect(unpriced.total_tokens).toBe(14);
    expect(unpriced.total_cost).toBeUndefined();
    const noUsage = named(all, "noUsage");
    expect(noUsage.total_tokens).toBeUndefined();
    expect(noUsage.outputs?.usage_metadata).toBeUndefined();
    for (const run of all) expect(() => RunSchema.parse(run)).not.toThrow();
  });

  it("sets first_token_time at the first token and reads the clock no more for later tokens", async () => {
    const clock = scriptedClock(1_000_000, 1_000_250, 1_000_900);
    const { tracer, runs } = memoryTracer({ clock: clock.clock });
    const llm = CallbackManager.configure({ callbacks: [tracer] }).handleChatModelStart({ name: "streamer" }, [[]]);
    void llm.handleLLMNewToken("first");
    const readsAfterFirst = clock.reads();
    for (let i = 0; i < 1000; i++) void llm.handleLLMNewToken("more");
    expect(clock.reads()).toBe(readsAfterFirst);
    void llm.handleLLMEnd(chatResult({ text: "first more" }));
    const [run] = await runs();
    expect(run?.first_token_time).toBe("1970-01-01T00:00:01.000250Z");
    // Only the first token's event: LangSmith derives time to first token from it.
    expect(run?.events?.map((event) => event.name)).toEqual(["start", "new_token", "end"]);
    expect(run?.events?.[1]).toEqual({
      name: "new_token",
      time: "1970-01-01T00:00:01.000250Z",
      kwargs: { token: "first", idx: { prompt: 0, completion: 0 } },
    });
  });

  it("keeps the costs a caller put in usage_metadata instead of estimating its own", async () => {
    setDefaultCostEstimator(() => ({
      input_cost: 9,
      output_cost: 9,
      total_cost: 18,
      input_cost_details: {},
      output_cost_details: {},
    }));
    const { tracer, runs } = memoryTracer();
    const own = {
      ...usage,
      input_cost: 0.5,
      output_cost: 0.25,
      total_cost: 0.75,
      input_cost_details: { cache_read: 0.1 },
    };
    void CallbackManager.configure({ callbacks: [tracer] })
      .handleChatModelStart({ name: "own" }, [[]])
      .handleLLMEnd(chatResult({ usage: own, model: "m-1" }));
    const [run] = await runs();
    expect(run?.outputs?.usage_metadata).toEqual(own);
    expect(run?.extra?.metadata?.usage_metadata).toEqual(own);
    expect(run?.total_cost).toBe(0.75);
  });

  it("keeps one new_token event per token when asked", async () => {
    const { tracer, runs } = memoryTracer({ keepTokenEvents: true });
    const llm = CallbackManager.configure({ callbacks: [tracer] }).handleChatModelStart({ name: "streamer" }, [[]]);
    for (const token of ["a", "b", "c"]) void llm.handleLLMNewToken(token);
    void llm.handleLLMEnd(chatResult({ text: "abc" }));
    const [run] = await runs();
    expect(run?.events?.map((event) => event.name)).toEqual(["start", "new_token", "new_token", "new_token", "end"]);
    expect(run?.events?.[2]?.kwargs).toEqual({ token: "b", idx: { prompt: 0, completion: 0 } });
  });

  it("falls back to usage streamed on chunks when the end event carries none", async () => {
    const { tracer, runs } = memoryTracer();
    const llm = CallbackManager.configure({ callbacks: [tracer] }).handleChatModelStart({ name: "streamer" }, [[]]);
    const chunk = {
      text: "hi",
      message: { content: "hi", usage_metadata: usage, response_metadata: { model_name: "m" } },
    };
    void llm.handleLLMNewToken("hi", undefined, undefined, undefined, undefined, { chunk });
    void llm.handleLLMEnd({ generations: [[{ text: "hi" }]] });
    expect((await runs())[0]?.total_tokens).toBe(14);
  });
});

describe("RunTracer: unknown parents, released traces, double delivery", () => {
  it("records a run whose parent it does not know as a root, with a warning", async () => {
    const { tracer, runs } = memoryTracer();
    const orphan = new CallbackManager({ parentRunId: "0190f0e4-0000-7000-8000-000000000000", handlers: [tracer] });
    void orphan.handleChainStart({ name: "orphan" }, {}).handleChainEnd({});
    const [run] = await runs();
    expect(run?.parent_run_id).toBeUndefined();
    expect(run?.trace_id).toBe(run?.id);
    expect(run?.dotted_order).not.toContain(".");
    expect(warnings.map((w) => w.code)).toEqual(["unknown_parent"]);
  });

  it("exports children still open when the root ends as unfinished, and releases the whole trace", async () => {
    const { tracer, runs } = memoryTracer();
    const root = CallbackManager.configure({ callbacks: [tracer] }).handleChainStart({ name: "root" }, {});
    const late = root.getChild().handleChatModelStart({ name: "late" }, [[]]);
    void late.handleLLMNewToken("x");
    const grandchild = late.getChild().handleToolStart({ name: "grandchild" }, "in");
    expect(tracer.size).toBe(3);
    void root.handleChainEnd({ done: true });
    expect(tracer.size).toBe(0);
    const exported = await runs();
    expect(exported.map((run) => run.name)).toEqual(["root", "late", "grandchild"]);
    for (const name of ["late", "grandchild"]) {
      const run = named(exported, name);
      expect(run.status).toBe("pending");
      expect(run.end_time).toBeUndefined();
      expect(run.trace_id).toBe(root.runId);
      expect(() => RunSchema.parse(run)).not.toThrow();
    }
    expect(named(exported, "late").first_token_time).toBeDefined();
    // Their ends come too late: nothing is held for them, nothing is exported twice.
    void late.handleLLMEnd(chatResult({ usage }));
    void grandchild.handleToolEnd("out");
    expect(warnings.map((w) => w.code)).toEqual(["unknown_run", "unknown_run"]);
    // A child starting after the root ended begins a trace of its own.
    void root.getChild().handleChainStart({ name: "after" }, {}).handleChainEnd({});
    expect(warnings.map((w) => w.code)).toContain("unknown_parent");
    expect(await runs()).toHaveLength(4);
    expect(tracer.size).toBe(0);
  });

  it("records a run once when the same tracer receives every event twice", async () => {
    const { tracer, runs } = memoryTracer();
    // Reached twice, as through LangChain.js's explicit callbacks and the scope bridge.
    const twice = (parentRunId?: string): CallbackManager => {
      const manager = new CallbackManager({ parentRunId, handlers: [tracer] });
      manager.handlers.push(tracer);
      return manager;
    };
    const chain = twice().handleChainStart({ name: "twice" }, {});
    const llm = twice(chain.runId).handleChatModelStart({ name: "llm" }, [[]]);
    void llm.handleLLMNewToken("t");
    void llm.handleLLMEnd(chatResult({ usage }));
    void chain.handleChainEnd({});
    const all = await runs();
    expect(all.map((run) => run.name)).toEqual(["llm", "twice"]);
    expect(named(all, "llm").parent_run_id).toBe(named(all, "twice").id);
    expect(tracer.size).toBe(0);
    expect(warnings).toEqual([]);
  });
});
