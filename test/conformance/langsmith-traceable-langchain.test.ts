// Cases ported from langsmith JS (langchain-ai/langsmith-sdk, js/src/tests/traceable_langchain.test.ts):
// a traced function calling a real LangChain.js chain, and a chain calling a traced function, must
// make one trace. runledger needs no getLangchainCallbacks(): runledger scopes reach LangChain.js by
// themselves (the bridge), and a traced function called inside a chain joins the chain's trace.
// langsmith's RunTraceable has no runledger counterpart: the traced function is wrapped in a
// RunnableLambda, which adds its own level to the tree.
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeChatModel } from "@langchain/core/utils/testing";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { withCallbacks } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
import { traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { memoryTracer, named } from "../support/tracing-helpers.js";

const warnings = captureWarnings();

function makeChain() {
  const llm = new FakeChatModel({});
  const prompt = ChatPromptTemplate.fromMessages<{ text: string }>([["human", "{text}"]]);
  return { llm, prompt, chain: prompt.pipe(llm).pipe(new StringOutputParser()) };
}

/** "parent > child" name pairs of the tree, sorted (order-free, as a set of edges). */
function edgesOf(runs: readonly Run[]): string[] {
  const byId = new Map(runs.map((run) => [run.id, run]));
  return runs
    .filter((run) => run.parent_run_id !== undefined && run.parent_run_id !== null)
    .map((run) => `${byId.get(run.parent_run_id as string)?.name ?? "?"} > ${run.name}`)
    .sort();
}

/** Names in execution (dotted) order. */
function nodesOf(runs: readonly Run[]): string[] {
  return [...runs].sort((a, b) => (a.dotted_order < b.dotted_order ? -1 : 1)).map((run) => run.name);
}

/** The runs of "to langchain" invoke and stream, in execution order. */
const MAIN_AND_SEQUENCE = ["main", "RunnableSequence", "ChatPromptTemplate", "FakeChatModel", "StrOutputParser"];

describe("langsmith js/src/tests/traceable_langchain.test.ts > to langchain", () => {
  it("invoke: the chain's runs nest under the traced function", async () => {
    const { chain } = makeChain();
    const { tracer, runs } = memoryTracer();
    const main = traceable(async (input: { text: string }) => chain.invoke(input), {
      name: "main",
      tracer,
      tags: ["welcome"],
      metadata: { hello: "world" },
    });
    expect(await main({ text: "Hello world" })).toBe("Hello world");
    const all = await runs();
    expect(nodesOf(all)).toEqual(MAIN_AND_SEQUENCE);
    expect(edgesOf(all)).toEqual([
      "RunnableSequence > ChatPromptTemplate",
      "RunnableSequence > FakeChatModel",
      "RunnableSequence > StrOutputParser",
      "main > RunnableSequence",
    ]);
    expect(named(all, "main")).toMatchObject({
      inputs: { text: "Hello world" },
      outputs: { output: "Hello world" },
      tags: ["welcome"],
      extra: { metadata: { hello: "world" } },
    });
    expect(new Set(all.map((run) => run.trace_id))).toEqual(new Set([named(all, "main").id]));
  });

  it("to langchain stream", async () => {
    const { chain } = makeChain();
    const { tracer, runs } = memoryTracer();
    const mainTraced = traceable(
      async function* main(input: { text: string }) {
        for await (const token of await chain.stream(input)) yield token;
      },
      { tracer },
    );
    const result: string[] = [];
    for await (const token of mainTraced({ text: "Hello world" })) result.push(token);
    expect(result).toEqual(["Hello world"]);
    const all = await runs();
    expect(nodesOf(all)).toEqual(MAIN_AND_SEQUENCE);
    expect(edgesOf(all)).toContain("main > RunnableSequence");
  });

  it("to langchain batch: two sequences under the traced function", async () => {
    const { chain } = makeChain();
    const { tracer, runs } = memoryTracer();
    const main = traceable(async (input: { texts: string[] }) => chain.batch(input.texts.map((text) => ({ text }))), {
      name: "main",
      tracer,
    });
    expect(await main({ texts: ["Hello world", "Who are you?"] })).toEqual(["Hello world", "Who are you?"]);
    const all = await runs();
    expect(edgesOf(all)).toEqual(
      [
        "main > RunnableSequence",
        "main > RunnableSequence",
        "RunnableSequence > ChatPromptTemplate",
        "RunnableSequence > ChatPromptTemplate",
        "RunnableSequence > FakeChatModel",
        "RunnableSequence > FakeChatModel",
        "RunnableSequence > StrOutputParser",
        "RunnableSequence > StrOutputParser",
      ].sort(),
    );
  });
});

describe("langsmith js/src/tests/traceable_langchain.test.ts > to traceable", () => {
  function chainWithTraceable() {
    const { prompt, llm } = makeChain();
    const addValueTraceable = traceable(
      (msg: BaseMessage) => new HumanMessage({ content: `${String(msg.content)} world` }),
      { name: "add_negligible_value" },
    );
    return prompt
      .pipe(llm)
      .pipe(RunnableLambda.from((msg: BaseMessage) => addValueTraceable(msg)))
      .pipe(new StringOutputParser());
  }

  it("invoke, tracer passed in callbacks: the traced function joins the chain's trace", async () => {
    const { tracer, runs } = memoryTracer();
    expect(await chainWithTraceable().invoke({ text: "Hello" }, { callbacks: [tracer] })).toBe("Hello world");
    const all = await runs();
    const root = named(all, "RunnableSequence");
    const traced = named(all, "add_negligible_value");
    expect(traced.trace_id).toBe(root.id);
    expect(all.find((run) => run.id === traced.parent_run_id)?.name).toBe("RunnableLambda");
    expect(traced.dotted_order.startsWith(`${root.dotted_order}.`)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("invoke, tracer ambient through withCallbacks: the same single trace", async () => {
    const { tracer, runs } = memoryTracer();
    expect(await withCallbacks([tracer], () => chainWithTraceable().invoke({ text: "Hello" }))).toBe("Hello world");
    const all = await runs();
    const root = named(all, "RunnableSequence");
    expect(new Set(all.map((run) => run.trace_id))).toEqual(new Set([root.id]));
    expect(all.find((run) => run.id === named(all, "add_negligible_value").parent_run_id)?.name).toBe("RunnableLambda");
    expect(all).toHaveLength(6); // each run once
  });
});

describe("langsmith js/src/tests/traceable_langchain.test.ts", () => {
  it("explicit nested: traced → chain → traced → chain, one trace", async () => {
    const { prompt, llm } = makeChain();
    const chain = prompt.pipe(llm).pipe(new StringOutputParser()).withConfig({ runName: "chain" });
    const wrappedModel = RunnableLambda.from(
      traceable(async (value: { input: string }) => chain.invoke({ text: `Wrapped input: ${value.input}` }), {
        name: "wrappedModel",
      }),
    );
    const { tracer, runs } = memoryTracer();
    const main = traceable(
      async () => ({
        response: [
          await wrappedModel.invoke({ input: "Are you ready?" }),
          await wrappedModel.invoke({ input: "I said, Are. You. Ready?" }),
        ],
      }),
      { name: "main", tracer },
    );
    expect(await main()).toEqual({
      response: ["Wrapped input: Are you ready?", "Wrapped input: I said, Are. You. Ready?"],
    });
    const all = await runs();
    const root = named(all, "main");
    expect(new Set(all.map((run) => run.trace_id))).toEqual(new Set([root.id]));
    const chains = all.filter((run) => run.name === "chain");
    expect(chains).toHaveLength(2);
    for (const c of chains) expect(all.find((run) => run.id === c.parent_run_id)?.name).toBe("wrappedModel");
    expect(all.filter((run) => run.name === "FakeChatModel")).toHaveLength(2);
  });
});
