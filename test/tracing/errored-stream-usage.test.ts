import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { estimateCost, withBudget, withCallbacks, withUsageMetadata, type Budget } from "../../src/index.js";
import { wrapOpenAI } from "../../src/providers/wrap/wrap-openai.js";
import type { Run } from "../../schemas/index.js";
import { fixtureRaw, jsonReply, openAIStream, useLoopbackServer } from "../support/loopback-server.js";
import { memoryTracer } from "../support/tracing-helpers.js";
import { loopbackChatOpenAI } from "../support/budget-helpers.js";

// An LLM run that fails after streaming gets the tokens it streamed as its usage (LangChain.js passes
// no partial result to handleLLMError): the rule withBudget counts by, marked as an estimate.
const loopback = useLoopbackServer();
const CHUNKS = fixtureRaw("openai", "chat_completions_stream_include_usage") as Record<string, unknown>[];
const BREAK_AFTER = 4; // the role chunk and three text chunks; the usage chunk never comes

const chatOpenAI = () => loopbackChatOpenAI(loopback());

/** Streams through ChatOpenAI; resolves with the chunks the caller received and the error that ended it. */
async function streamLangChain(): Promise<{ chunks: number; failure: unknown }> {
  let chunks = 0;
  try {
    for await (const chunk of await chatOpenAI().stream("Go")) if (chunk !== undefined) chunks++;
  } catch (failure) {
    return { chunks, failure };
  }
  return { chunks, failure: undefined };
}

function llmRun(runs: readonly Run[]): Run {
  const llm = runs.filter((run) => run.run_type === "llm");
  expect(llm).toHaveLength(1);
  return llm[0] as Run;
}

function counts(run: Run): (number | null | undefined)[] {
  return [run.prompt_tokens, run.completion_tokens, run.total_tokens];
}

describe("an LLM run that errors after streaming", () => {
  it("a LangChain.js stream broken by the server mid-way: usage from the tokens streamed, priced, marked", async () => {
    loopback().reply(openAIStream(CHUNKS, BREAK_AFTER));
    const { tracer, runs } = memoryTracer();
    const { chunks, failure } = await withCallbacks([tracer], streamLangChain);
    expect(failure).toBeInstanceOf(Error);
    const run = llmRun(await runs());
    expect(run.status).toBe("error");
    // LangChain.js reports each chunk (a new-token event) before it yields it: one token per chunk received.
    expect(chunks).toBeGreaterThan(0);
    expect(counts(run)).toEqual([0, chunks, chunks]);
    expect(run.extra?.usage_estimate).toEqual({ input_tokens: "not_reported", output_tokens: "streamed_tokens" });
    const usage = (run.extra?.metadata as { usage_metadata?: Record<string, number> }).usage_metadata;
    expect(usage).toMatchObject({ input_tokens: 0, output_tokens: chunks, total_tokens: chunks });
    const price = estimateCost("gpt-5.5", { input_tokens: 0, output_tokens: chunks, total_tokens: chunks });
    expect(price?.total_cost).toBeGreaterThan(0);
    expect(run.total_cost).toBeCloseTo(price?.total_cost ?? Number.NaN, 15);
  });

  it("counts the same tokens as withBudget and withUsageMetadata do for the same broken stream", async () => {
    loopback().reply(openAIStream(CHUNKS, BREAK_AFTER));
    const { tracer, runs } = memoryTracer();
    let budget: Budget | undefined;
    const { usage } = await withCallbacks([tracer], () =>
      withUsageMetadata(() =>
        withBudget({ maxTokens: 1_000_000 }, async (own) => {
          budget = own;
          expect((await streamLangChain()).failure).toBeInstanceOf(Error);
        }),
      ),
    );
    const run = llmRun(await runs());
    const counted = budget?.usage;
    expect(counted?.output_tokens).toBeGreaterThan(0);
    expect(counts(run)).toEqual([counted?.input_tokens, counted?.output_tokens, counted?.total_tokens]);
    expect(run.total_cost).toBeCloseTo(budget?.cost ?? Number.NaN, 15);
    expect(usage).toEqual({ "gpt-5.5": counted });
  });

  it("a call that fails before streaming anything gets no usage: none is invented", async () => {
    loopback().reply(jsonReply({ error: { message: "overloaded", type: "server_error" } }, 500));
    const { tracer, runs } = memoryTracer();
    await expect(withCallbacks([tracer], () => chatOpenAI().invoke("Go"))).rejects.toThrow();
    const run = llmRun(await runs());
    expect(run.status).toBe("error");
    expect(counts(run)).toEqual([undefined, undefined, undefined]);
    expect(run.extra?.usage_estimate).toBeUndefined();
    expect((run.extra?.metadata as Record<string, unknown>).usage_metadata).toBeUndefined();
  });

  it("a wrapped SDK's broken stream keeps the wrapper's estimate, not counted twice", async () => {
    loopback().reply(openAIStream(CHUNKS, BREAK_AFTER));
    const { tracer, runs } = memoryTracer();
    const openai = wrapOpenAI(new OpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1"), maxRetries: 0 }));
    let deltas = 0;
    await expect(
      withCallbacks([tracer], async () => {
        const stream = await openai.chat.completions.create({
          model: "gpt-5.5",
          messages: [{ role: "user", content: "Go" }],
          stream: true,
        });
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas++;
      }),
    ).rejects.toThrow();
    const run = llmRun(await runs());
    expect(deltas).toBeGreaterThan(0);
    expect(counts(run)).toEqual([0, deltas, deltas]);
    expect(run.extra?.usage_estimate).toEqual({ input_tokens: "not_reported", output_tokens: "streamed_tokens" });
  });
});
