import { describe, expect, it } from "vitest";
import { installLangChainBridge } from "../../callbacks/langchain-bridge.js";
import { scopeExtensionsReady } from "../../callbacks/scope-extensions.js";
import { getCurrentRun, traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { UsageChatModel } from "../support/usage-chat-model.js";
import { memoryTracer, named } from "../support/tracing-helpers.js";

const warnings = captureWarnings();
const usage = { input_tokens: 8, output_tokens: 10, total_tokens: 18 };
const model = new UsageChatModel({ text: "Hello there friend", usage, model: "gpt-4o-mini-2024-07-18" });

describe("RunTracer with LangChain.js", () => {
  it("records a real LangChain.js chat model call when passed in callbacks", async () => {
    const { tracer, runs } = memoryTracer();
    await model.invoke("Hello", { callbacks: [tracer] });
    const [run] = await runs();
    expect(run).toMatchObject({ name: "UsageChatModel", run_type: "llm", total_tokens: 18, status: "success" });
    expect(run?.outputs?.usage_metadata).toEqual(usage);
    expect(run?.extra?.invocation_params).toMatchObject({ model: "requested-model" });
    expect(JSON.parse(JSON.stringify(run))).toEqual(run);
  });

  it("nests LangChain.js calls made inside a traced function under its run, once each", async () => {
    installLangChainBridge();
    await scopeExtensionsReady();
    const { tracer, runs } = memoryTracer({ keepTokenEvents: true });
    const answer = traceable(
      async (question: string) => {
        const invoked = await model.invoke(question);
        let streamed = "";
        // Also passed explicitly: the tracer gets these events twice and must record the run once.
        for await (const chunk of await model.stream(question, { callbacks: [tracer] }))
          streamed += String(chunk.content);
        return { invoked: invoked.content, streamed, run: getCurrentRun()?.id };
      },
      { name: "answer", tracer },
    );
    const result = await answer("Hi");
    expect(result.streamed).toBe("Hello there friend");
    const all = await runs();
    const root = named(all, "answer");
    const llms = all.filter((run) => run.run_type === "llm");
    expect(llms).toHaveLength(2);
    for (const llm of llms) {
      expect(llm.parent_run_id).toBe(root.id);
      expect(llm.trace_id).toBe(root.id);
      expect(llm.dotted_order.startsWith(`${root.dotted_order}.`)).toBe(true);
      expect(llm.total_tokens).toBe(18);
    }
    const stream = llms[1];
    expect(stream?.first_token_time).toBeDefined();
    expect(stream?.events?.filter((event) => event.name === "new_token")).toHaveLength(3);
    expect(result.run).toBe(root.id);
    expect(tracer.size).toBe(0);
    expect(warnings).toEqual([]);
  });
});
