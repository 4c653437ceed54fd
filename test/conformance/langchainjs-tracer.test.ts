// Cases ported from @langchain/core's own suite (langchain-ai/langchainjs,
// libs/langchain-core/src/tracers/tests/tracer.test.ts): the same events given to a LangChain.js
// BaseTracer (the oracle, as the source's FakeTracer: it keeps each finished root run) and to
// runledger's RunTracer, compared on the Run fields both write. Under a frozen clock LangChain.js
// writes execution order as microseconds into dotted_order; runledger writes the clock's time (a
// sibling at least a microsecond after the previous one), so dotted orders are compared by shape.
import { randomUUID } from "node:crypto";
import { Document } from "@langchain/core/documents";
import type { SerializedConstructor } from "@langchain/core/load/serializable";
import { HumanMessage } from "@langchain/core/messages";
import { BaseTracer, type Run as LangChainRun } from "@langchain/core/tracers/base";
import { describe, expect, it } from "vitest";
import type { Run } from "../../schemas/index.js";
import { parseDottedOrder } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { memoryTracer } from "../support/tracing-helpers.js";

const warnings = captureWarnings();
const DATE = 1620000000000;
const serialized: SerializedConstructor = { lc: 1, type: "constructor", id: ["test"], kwargs: {} };

/** The source's FakeTracer: a BaseTracer that keeps every finished root run. */
class FakeTracer extends BaseTracer {
  name = "fake_tracer";
  runs: LangChainRun[] = [];
  protected persistRun(run: LangChainRun): Promise<void> {
    this.runs.push(run);
    return Promise.resolve();
  }
}

/** Both tracers, runledger's on a clock frozen at the source's date. */
function tracers() {
  const oracle = new FakeTracer();
  const ours = memoryTracer({ clock: () => DATE * 1000 });
  return { oracle, ours: ours.tracer, runs: ours.runs };
}

/** A LangChain.js run with its children flattened, as runledger exports them (one record per run). */
function flatten(run: LangChainRun): LangChainRun[] {
  return [run, ...run.child_runs.flatMap(flatten)];
}

/** The fields both write, of a LangChain.js run or a runledger record, as JSON. */
function common(run: LangChainRun | Run) {
  const plain = JSON.parse(JSON.stringify(run)) as Record<string, unknown>;
  return {
    id: plain.id,
    name: plain.name,
    run_type: plain.run_type,
    inputs: plain.inputs,
    outputs: plain.outputs,
    serialized: plain.serialized,
    tags: plain.tags ?? [],
    parent_run_id: plain.parent_run_id ?? undefined,
    trace_id: plain.trace_id,
    execution_order: plain.execution_order,
    child_execution_order: plain.child_execution_order,
    ids: parseDottedOrder(String(plain.dotted_order))?.map((segment) => segment.runId),
  };
}

async function compare(oracle: FakeTracer, runs: () => Promise<Run[]>): Promise<Run[]> {
  const ours = await runs();
  const theirs = oracle.runs.flatMap(flatten);
  expect(ours.map(common).sort(byId)).toEqual(theirs.map(common).sort(byId));
  return ours;
}

const byId = (a: { id: unknown }, b: { id: unknown }) => String(a.id).localeCompare(String(b.id));

describe("@langchain/core tracers/tests/tracer.test.ts", () => {
  it("Test LLMRun", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    await oracle.handleLLMStart(serialized, ["test"], runId);
    await oracle.handleLLMEnd({ generations: [] }, runId);
    ours.handleLLMStart(serialized, ["test"], runId);
    ours.handleLLMEnd({ generations: [] }, runId);
    const [run] = await compare(oracle, runs);
    expect(run).toMatchObject({
      id: runId,
      name: "test",
      inputs: { prompts: ["test"] },
      run_type: "llm",
      outputs: { generations: [] },
      tags: [],
      trace_id: runId,
      execution_order: 1,
      child_execution_order: 1,
      start_time: "2021-05-03T00:00:00.000000Z",
      end_time: "2021-05-03T00:00:00.000000Z",
    });
    expect(run?.dotted_order).toBe(`20210503T000000000000Z${runId}`);
  });

  it("Test Chat Model Run: messages recorded as LangChain.js serializes them", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    const messages = [[new HumanMessage("Avast")]];
    await oracle.handleChatModelStart(serialized, messages, runId);
    await oracle.handleLLMEnd({ generations: [] }, runId);
    ours.handleChatModelStart(serialized, messages, runId);
    ours.handleLLMEnd({ generations: [] }, runId);
    const [run] = await compare(oracle, runs);
    expect(JSON.parse(JSON.stringify(run?.inputs))).toMatchObject({
      messages: [[{ lc: 1, type: "constructor", id: ["langchain_core", "messages", "HumanMessage"] }]],
    });
  });

  it("Test LLM Run no start: LangChain.js throws 'No LLM run to end'; runledger warns and goes on", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    await expect(oracle.handleLLMEnd({ generations: [] }, runId)).rejects.toThrow("No LLM run to end");
    expect(() => ours.handleLLMEnd({ generations: [] }, runId)).not.toThrow();
    expect(await runs()).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(["unknown_run"]);
  });

  it("Test Chain Run", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    await oracle.handleChainStart(serialized, { foo: "bar" }, runId);
    await oracle.handleChainEnd({ foo: "bar" }, runId);
    ours.handleChainStart(serialized, { foo: "bar" }, runId);
    ours.handleChainEnd({ foo: "bar" }, runId);
    const [run] = await compare(oracle, runs);
    expect(run).toMatchObject({ inputs: { foo: "bar" }, outputs: { foo: "bar" }, run_type: "chain" });
  });

  it("Test Tool Run", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    await oracle.handleToolStart(serialized, "test", runId);
    await oracle.handleToolEnd("output", runId);
    ours.handleToolStart(serialized, "test", runId);
    ours.handleToolEnd("output", runId);
    const [run] = await compare(oracle, runs);
    expect(run).toMatchObject({ inputs: { input: "test" }, outputs: { output: "output" }, run_type: "tool" });
  });

  it("Test Retriever Run", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    const document = new Document({ pageContent: "test", metadata: { test: "test" } });
    await oracle.handleRetrieverStart(serialized, "bar", runId);
    await oracle.handleRetrieverEnd([document], runId);
    ours.handleRetrieverStart(serialized, "bar", runId);
    ours.handleRetrieverEnd([document], runId);
    const [run] = await compare(oracle, runs);
    expect(run).toMatchObject({ inputs: { query: "bar" }, run_type: "retriever" });
    expect(JSON.parse(JSON.stringify(run?.outputs))).toEqual({ documents: [JSON.parse(JSON.stringify(document))] });
  });

  it("Test nested runs: parents, execution orders, trace ids and dotted-order paths as LangChain.js", async () => {
    const { oracle, ours, runs } = tracers();
    const chainRunId = randomUUID();
    const toolRunId = randomUUID();
    const llmRunId = randomUUID();
    const llmRunId2 = randomUUID();
    for (const tracer of [oracle, ours] as const) {
      await tracer.handleChainStart(serialized, { foo: "bar" }, chainRunId);
      await tracer.handleToolStart({ ...serialized, id: ["test_tool"] }, "test", toolRunId, chainRunId);
      await tracer.handleLLMStart({ ...serialized, id: ["test_llm_child_run"] }, ["test"], llmRunId, toolRunId);
      await tracer.handleLLMEnd({ generations: [[]] }, llmRunId);
      await tracer.handleToolEnd("output", toolRunId);
      await tracer.handleLLMStart({ ...serialized, id: ["test_llm2"] }, ["test"], llmRunId2, chainRunId);
      await tracer.handleLLMEnd({ generations: [[]] }, llmRunId2);
      await tracer.handleChainEnd({ foo: "bar" }, chainRunId);
    }
    const all = await compare(oracle, runs);
    const byName = Object.fromEntries(all.map((run) => [run.name, run]));
    expect(byName.test).toMatchObject({ execution_order: 1, child_execution_order: 4 });
    expect(byName.test_tool).toMatchObject({ parent_run_id: chainRunId, execution_order: 2, child_execution_order: 3 });
    expect(byName.test_llm_child_run).toMatchObject({ parent_run_id: toolRunId, execution_order: 3 });
    expect(byName.test_llm2).toMatchObject({ parent_run_id: chainRunId, execution_order: 4 });
    expect(parseDottedOrder(byName.test_llm_child_run?.dotted_order ?? "")?.map((s) => s.runId)).toEqual([
      chainRunId,
      toolRunId,
      llmRunId,
    ]);
  });

  it("Test nested runs: a run started after the trace ended is a new root", async () => {
    const { oracle, ours, runs } = tracers();
    const chainRunId = randomUUID();
    const llmRunId3 = randomUUID();
    for (const tracer of [oracle, ours] as const) {
      await tracer.handleChainStart(serialized, { foo: "bar" }, chainRunId);
      await tracer.handleChainEnd({ foo: "bar" }, chainRunId);
      await tracer.handleLLMStart(serialized, ["test"], llmRunId3);
      await tracer.handleLLMEnd({ generations: [[]] }, llmRunId3);
    }
    expect(oracle.runs).toHaveLength(2);
    const all = await compare(oracle, runs);
    expect(all.find((run) => run.id === llmRunId3)?.trace_id).toBe(llmRunId3);
  });

  it.each([
    ["handleLLMError", "llm"],
    ["handleChainError", "chain"],
    ["handleToolError", "tool"],
    ["handleRetrieverError", "retriever"],
  ] as const)(
    "%s: the run ends with the error text LangChain.js writes (message, then stack)",
    async (method, kind) => {
      const { oracle, ours, runs } = tracers();
      const runId = randomUUID();
      const error = new Error("boom");
      for (const tracer of [oracle, ours] as const) {
        if (kind === "llm") await tracer.handleLLMStart(serialized, ["test"], runId);
        if (kind === "chain") await tracer.handleChainStart(serialized, { foo: "bar" }, runId);
        if (kind === "tool") await tracer.handleToolStart(serialized, "test", runId);
        if (kind === "retriever") await tracer.handleRetrieverStart(serialized, "bar", runId);
        await (tracer[method] as (err: unknown, runId: string) => unknown).call(tracer, error, runId);
      }
      const [run] = await runs();
      expect(run?.error).toBe(oracle.runs[0]?.error);
      expect(run?.run_type).toBe(kind);
    },
  );

  it.each([
    ["the run name given", { id: ["a", "B"] }, "given", "given"],
    ["the serialized id before its name", { name: "named", id: ["a", "B"] }, undefined, "B"],
    ["the last element of the serialized id", { id: ["langchain", "chat_models", "ChatX"] }, undefined, "ChatX"],
  ] as const)("run name from %s, as LangChain.js names it", async (_case, component, runName, expected) => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    for (const tracer of [oracle, ours] as const) {
      await tracer.handleChainStart(component as never, {}, runId, undefined, undefined, undefined, undefined, runName);
      await tracer.handleChainEnd({}, runId);
    }
    const [run] = await runs();
    expect(run?.name).toBe(expected);
    expect(run?.name).toBe(oracle.runs[0]?.name);
  });

  it("run name from a bare serialized name: LangChain.js throws on a component without id; runledger uses the name", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    await expect(oracle.handleChainStart({ name: "named" } as never, {}, runId)).rejects.toThrow(TypeError);
    ours.handleChainStart({ name: "named" }, {}, runId);
    ours.handleChainEnd({}, runId);
    expect((await runs())[0]?.name).toBe("named");
  });

  it("tags and metadata given at start land on the run as LangChain.js puts them", async () => {
    const { oracle, ours, runs } = tracers();
    const runId = randomUUID();
    for (const tracer of [oracle, ours] as const) {
      await tracer.handleChainStart(serialized, {}, runId, undefined, ["t1", "t2"], { user: "u1" });
      await tracer.handleChainEnd({}, runId);
    }
    const [run] = await runs();
    expect(run?.tags).toEqual(oracle.runs[0]?.tags);
    expect(run?.extra?.metadata).toMatchObject(oracle.runs[0]?.extra?.metadata as Record<string, unknown>);
  });
});
