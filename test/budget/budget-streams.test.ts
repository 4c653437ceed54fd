import Anthropic from "@anthropic-ai/sdk";
import { createOpenAI } from "@ai-sdk/openai";
import { streamText, wrapLanguageModel } from "ai";
import { runledgerMiddleware } from "../../src/ai-sdk/index.js";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { BudgetExceededError, estimateCost, withBudget, withCallbacks } from "../../src/index.js";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { wrapAnthropic } from "../../src/providers/wrap/wrap-anthropic.js";
import { wrapOpenAI } from "../../src/providers/wrap/wrap-openai.js";
import { RunTracer } from "../../src/tracing/index.js";
import type { Run } from "../../schemas/index.js";
import { fixtureRaw, jsonReply, useLoopbackServer } from "../support/loopback-server.js";
import { slowAnthropicStream, slowOpenAIStream } from "../support/slow-streams.js";
import { budgetRejection, loopbackChatOpenAI } from "../support/budget-helpers.js";
import { RunnableLambda } from "@langchain/core/runnables";

const loopback = useLoopbackServer();
const LONG = 200;
const ANTHROPIC = fixtureRaw("anthropic", "messages_stream") as Record<string, unknown>[];

const openai = () => wrapOpenAI(new OpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1"), maxRetries: 0 }));
const anthropic = () => wrapAnthropic(new Anthropic({ apiKey: "test-key", baseURL: loopback().url(), maxRetries: 0 }));

/** Streams one OpenAI chat completion and counts the text chunks the caller received. */
async function streamOpenAI(received: { tokens: number }): Promise<void> {
  const stream = await openai().chat.completions.create({
    model: "gpt-5.5",
    messages: [{ role: "user", content: "Go" }],
    stream: true,
  });
  for await (const chunk of stream) if (chunk.choices[0]?.delta.content) received.tokens++;
}

async function streamAnthropic(received: { tokens: number }): Promise<void> {
  const stream = await anthropic().messages.create({
    model: "claude-sonnet-4-5",
    max_tokens: 1000,
    messages: [{ role: "user", content: "Go" }],
    stream: true,
  });
  for await (const event of stream) if (event.type === "content_block_delta") received.tokens++;
}

/** The one exported model run, which the budget aborted. */
function abortedRun(exporter: InMemoryRunExporter): Run {
  const runs = exporter.getFinishedRuns().filter((candidate) => candidate.run_type === "llm");
  expect(runs).toHaveLength(1);
  const run = runs[0] as Run;
  expect(run.status).toBe("error");
  return run;
}

/** The token counts of a run record or of a budget error's usage. */
function tokenCounts(source: Run | BudgetExceededError): (number | null | undefined)[] {
  if (source instanceof BudgetExceededError)
    return [source.usage.input_tokens, source.usage.output_tokens, source.usage.total_tokens];
  const usage = (source.extra?.metadata as { usage_metadata?: Record<string, number> } | undefined)?.usage_metadata;
  expect([usage?.input_tokens, usage?.output_tokens, usage?.total_tokens]).toEqual([
    source.prompt_tokens,
    source.completion_tokens,
    source.total_tokens,
  ]);
  expect(source.total_tokens).toBeGreaterThan(0);
  return [source.prompt_tokens, source.completion_tokens, source.total_tokens];
}

describe("withBudget with real clients streaming slowly", () => {
  it("cuts an OpenAI stream right past maxTokens; the error and the trace carry the partial usage", async () => {
    loopback().reply(slowOpenAIStream(LONG));
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const received = { tokens: 0 };
    const error = await budgetRejection(
      withCallbacks([tracer], () => withBudget({ maxTokens: 20 }, () => streamOpenAI(received))),
    );
    await tracer.forceFlush();

    await loopback().slowStreams[0]?.ended;
    // The 21st token passes the limit and aborts: the caller saw at most that one token more.
    const pastLimit = received.tokens - 20;
    console.log(
      `openai: limit 20 tokens, caller received ${received.tokens}, server wrote ${loopback().slowStreams[0]?.written} events`,
    );
    expect(pastLimit).toBeGreaterThanOrEqual(0);
    expect(pastLimit).toBeLessThanOrEqual(3);
    expect(loopback().slowStreams[0]?.clientLeft).toBe(true);
    expect(loopback().slowStreams[0]?.written).toBeLessThan(LONG / 2);
    expect(error.limit).toBe("maxTokens");
    expect(error.code).toBe("budget_exceeded");
    // The aborted run is exported with the tokens it streamed as its usage (OpenAI reports none before
    // its final chunk: an estimate, marked so), the same usage the error reports.
    const run = abortedRun(exporter);
    console.log("openai aborted run usage:", JSON.stringify(tokenCounts(run)), "error:", JSON.stringify(error.usage));
    expect(error.usage.output_tokens).toBe(received.tokens);
    expect(tokenCounts(run)).toEqual(tokenCounts(error));
    expect(run.extra?.usage_estimate).toEqual({ input_tokens: "not_reported", output_tokens: "streamed_tokens" });
  });

  it("cuts an Anthropic stream past maxCostUsd priced from the price table", async () => {
    loopback().reply(slowAnthropicStream(LONG));
    const perOutputToken =
      (estimateCost("claude-sonnet-4-5", { input_tokens: 0, output_tokens: 1e6, total_tokens: 1e6 })?.total_cost ?? 0) /
      1e6;
    expect(perOutputToken).toBeGreaterThan(0);
    const maxCostUsd = perOutputToken * 30;
    const received = { tokens: 0 };
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const error = await budgetRejection(
      withCallbacks([tracer], () => withBudget({ maxCostUsd }, () => streamAnthropic(received))),
    );
    await tracer.forceFlush();
    console.log(
      `anthropic: limit ${maxCostUsd} USD (30 output tokens), caller received ${received.tokens} deltas, error usage ${JSON.stringify(error.usage)}, cost ${error.cost}`,
    );
    expect(error.limit).toBe("maxCostUsd");
    expect(error.cost).toBeGreaterThan(maxCostUsd);
    expect(received.tokens).toBeLessThan(LONG / 2);
    // message_start reported the input (and cache) counts: exact; the output is the tokens streamed.
    const start = (ANTHROPIC[0]?.message as { usage: Record<string, number> }).usage;
    const run = abortedRun(exporter);
    expect(tokenCounts(run)).toEqual(tokenCounts(error));
    expect(run.prompt_tokens).toBe(
      (start.input_tokens ?? 0) + (start.cache_read_input_tokens ?? 0) + (start.cache_creation_input_tokens ?? 0),
    );
    expect(run.completion_tokens).toBe(received.tokens);
    expect(run.extra?.usage_estimate).toEqual({ output_tokens: "streamed_tokens" });
    expect(run.total_cost).toBeCloseTo(error.cost, 12);
  });

  it("warn mode: onExceeded is called once and the stream finishes with its exact usage", async () => {
    loopback().reply(slowOpenAIStream(60));
    const calls: unknown[] = [];
    const received = { tokens: 0 };
    const tokens = await withBudget({ maxTokens: 20, onExceeded: (info) => calls.push(info) }, async (budget) => {
      await streamOpenAI(received);
      return budget.tokens;
    });
    expect(received.tokens).toBe(60);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ limit: "maxTokens", max: 20 });
    // Exact once the final usage arrived: the server's 14 prompt + 60 completion tokens.
    expect(tokens).toBe(14 + 60);
  });

  it("refuses a call started after the budget is spent before it is sent", async () => {
    loopback().reply(slowOpenAIStream(40));
    const received = { tokens: 0 };
    await budgetRejection(
      withBudget({ maxTokens: 10 }, async () => {
        await streamOpenAI(received).catch(() => undefined); // the agent swallows the abort and goes on
        await streamOpenAI(received); // refused
      }),
    );
    expect(loopback().requests).toHaveLength(1);
  });

  it("counts every branch of a Promise.all and aborts them all", async () => {
    loopback().reply(slowOpenAIStream(LONG), slowAnthropicStream(LONG));
    const a = { tokens: 0 };
    const b = { tokens: 0 };
    const error = await budgetRejection(
      withBudget({ maxTokens: 30 }, () => Promise.all([streamOpenAI(a), streamAnthropic(b)])),
    );
    console.log(`Promise.all: limit 30, received ${a.tokens} + ${b.tokens}`);
    expect(a.tokens + b.tokens).toBeGreaterThanOrEqual(30);
    expect(a.tokens + b.tokens).toBeLessThanOrEqual(34);
    await Promise.all(loopback().slowStreams.map((stream) => stream.ended));
    expect(loopback().slowStreams.every((stream) => stream.clientLeft)).toBe(true);
    expect(error.usage.output_tokens).toBeGreaterThanOrEqual(31);
  });

  it("nested budgets: the tightest wins, inner or outer", async () => {
    loopback().reply(slowOpenAIStream(LONG));
    const inner = { tokens: 0 };
    const innerError = await budgetRejection(
      withBudget({ maxTokens: 100 }, () => withBudget({ maxTokens: 10 }, () => streamOpenAI(inner))),
    );
    expect(innerError.max).toBe(10);
    expect(inner.tokens).toBeLessThanOrEqual(13);

    loopback().reply(slowOpenAIStream(LONG));
    const outer = { tokens: 0 };
    const outerError = await budgetRejection(
      withBudget({ maxTokens: 10 }, () => withBudget({ maxTokens: 100 }, () => streamOpenAI(outer))),
    );
    expect(outerError.max).toBe(10);
    expect(outer.tokens).toBeLessThanOrEqual(13);
  });

  it("aborts a LangChain.js ChatOpenAI stream: the budget's signal is in the runnable config LangChain.js reads", async () => {
    loopback().reply(slowOpenAIStream(LONG));
    const model = loopbackChatOpenAI(loopback());
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const received = { tokens: 0 };
    const error = await budgetRejection(
      withCallbacks([tracer], () =>
        withBudget({ maxTokens: 20 }, async () => {
          for await (const chunk of await model.stream("Go")) if (chunk.text.length > 0) received.tokens++;
        }),
      ),
    );
    await tracer.forceFlush();
    await loopback().slowStreams[0]?.ended;
    console.log(
      `langchain.js ChatOpenAI: limit 20 tokens, caller received ${received.tokens}, server wrote ${loopback().slowStreams[0]?.written} events`,
    );
    expect(error.max).toBe(20);
    expect(received.tokens - 20).toBeGreaterThanOrEqual(0);
    expect(received.tokens - 20).toBeLessThanOrEqual(3);
    // The request itself was aborted (the SDK got the signal), not only the caller's loop.
    expect(loopback().slowStreams[0]?.clientLeft).toBe(true);
    expect(loopback().slowStreams[0]?.written).toBeLessThan(LONG / 2);
    const run = abortedRun(exporter);
    expect(run.name).toBe("ChatOpenAI");
    // LangChain.js reports a token before it yields it and checks the signal between chunks: the
    // token that passed the limit was billed (counted) but never reached the caller.
    expect(error.usage.output_tokens).toBe(21);
    expect(received.tokens).toBe(20);
    // LangChain.js passes no partial result when the call fails: the tracer counts the new-token
    // events it saw, by the budget's rule, so the exported run and the error agree.
    console.log(
      "langchain.js aborted run usage:",
      JSON.stringify(tokenCounts(run)),
      `cost ${run.total_cost}; error:`,
      JSON.stringify(error.usage),
      `cost ${error.cost}`,
    );
    expect(tokenCounts(run)).toEqual(tokenCounts(error));
    expect(run.extra?.usage_estimate).toEqual({ input_tokens: "not_reported", output_tokens: "streamed_tokens" });
    expect(error.cost).toBeGreaterThan(0);
    expect(run.total_cost).toBeCloseTo(error.cost, 15);
  });

  it("a LangChain.js call given its own signal keeps it; a chain inside the budget still gets the budget's", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const model = loopbackChatOpenAI(loopback());
    const seen: (AbortSignal | undefined)[] = [];
    const probe = RunnableLambda.from((input: string, config?: { signal?: AbortSignal }) => {
      seen.push(config?.signal);
      return input;
    });
    const own = new AbortController();
    await withBudget({ maxTokens: 1000 }, async (budget) => {
      await probe.pipe(model).invoke("Go");
      await probe.invoke("Go", { signal: own.signal });
      budget.signal.throwIfAborted();
      expect(seen[0]).toBeDefined();
      expect(seen[1]).toBe(own.signal);
    });
    // The chain's signal is the budget's: the model call's usage passes the limit and aborts it.
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const spent = await budgetRejection(withBudget({ maxTokens: 1 }, () => probe.pipe(model).invoke("Go")));
    expect(spent.max).toBe(1);
    expect(seen[2]?.aborted).toBe(true);
    expect(seen[2]?.reason).toBe(spent);
  });

  it("aborts an AI SDK stream (real @ai-sdk/openai provider, runledgerMiddleware) through params.abortSignal", async () => {
    loopback().reply(slowOpenAIStream(LONG));
    const provider = createOpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1") });
    const model = wrapLanguageModel({ model: provider.chat("gpt-5.5"), middleware: runledgerMiddleware() });
    const received = { tokens: 0 };
    const error = await budgetRejection(
      withBudget({ maxTokens: 20 }, async () => {
        const result = streamText({ model, prompt: "Go", maxRetries: 0, onError: () => undefined });
        for await (const text of result.textStream) if (text.length > 0) received.tokens++;
      }),
    );
    await loopback().slowStreams[0]?.ended;
    console.log(`ai sdk: limit 20, caller received ${received.tokens}`);
    expect(error.max).toBe(20);
    expect(received.tokens).toBeLessThanOrEqual(23);
    expect(loopback().slowStreams[0]?.clientLeft).toBe(true);
  });
});
