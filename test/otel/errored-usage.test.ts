import Anthropic from "@anthropic-ai/sdk";
import type { Attributes } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from "@opentelemetry/sdk-metrics";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from "@opentelemetry/semantic-conventions/incubating";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { withBudget, withCallbacks, type Budget } from "../../src/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { wrapAnthropic } from "../../src/providers/wrap/wrap-anthropic.js";
import { wrapOpenAI } from "../../src/providers/wrap/wrap-openai.js";
import type { Run, UsageMetadata } from "../../schemas/index.js";
import { testTracing } from "../support/otel-setup.js";
import { fixtureRaw, jsonReply, openAIStream, useLoopbackServer } from "../support/loopback-server.js";
import { slowAnthropicStream, slowOpenAIStream } from "../support/slow-streams.js";
import { memoryTracer } from "../support/tracing-helpers.js";
import { budgetRejection, loopbackChatOpenAI } from "../support/budget-helpers.js";

// A model call that fails after streaming was billed for what it streamed: its errored span carries
// the usage the RunTracer exports and withBudget counts, with the estimate marked, and feeds the
// token-usage metric. The real SDK clients read from the loopback server; the OTel SDK is real.
const loopback = useLoopbackServer();
const LONG = 200;
const CHUNKS = fixtureRaw("openai", "chat_completions_stream_include_usage") as Record<string, unknown>[];
const BREAK_AFTER = 4; // the role chunk and three text chunks; the usage chunk never comes
const ESTIMATE = "runledger.usage.estimate";

/** Both exporters (the OTel SDK's and the RunTracer) listening to the same calls. */
function observe() {
  const tracing = testTracing();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const otel = new OpenTelemetryCallbackHandler({
    tracerProvider: tracing.provider,
    meterProvider: new MeterProvider({ readers: [reader] }),
  });
  const { tracer, runs } = memoryTracer();
  /** The one model span and run, both errored. */
  async function errored(): Promise<{ span: ReadableSpan; run: Run }> {
    const llm = (await runs()).filter((run) => run.run_type === "llm");
    expect(llm).toHaveLength(1);
    const run = llm[0] as Run;
    expect(run.status).toBe("error");
    const spans = tracing.spans().filter((span) => span.name.startsWith("chat "));
    expect(spans).toHaveLength(1);
    const span = spans[0] as ReadableSpan;
    expect(span.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(span.attributes[ATTR_ERROR_TYPE]).toEqual(expect.any(String));
    return { span, run };
  }
  /** The histogram points of one metric, as [attributes, sum]. */
  async function points(metric: string): Promise<[Attributes, number][]> {
    await reader.forceFlush();
    const found: [Attributes, number][] = [];
    for (const scope of metricExporter.getMetrics().at(-1)?.scopeMetrics ?? []) {
      for (const data of scope.metrics) {
        if (data.descriptor.name !== metric || data.dataPointType !== DataPointType.HISTOGRAM) continue;
        for (const point of data.dataPoints as DataPoint<Histogram>[])
          found.push([point.attributes, point.value.sum ?? 0]);
      }
    }
    return found;
  }
  return { handlers: [tracer, otel], errored, points };
}

/** A span's usage counts as [input, output]. */
const spanCounts = (span: ReadableSpan) => [
  span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS],
  span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS],
];
const runCounts = (run: Run) => [run.prompt_tokens, run.completion_tokens];
const usageCounts = (usage: UsageMetadata | undefined) => [usage?.input_tokens, usage?.output_tokens];

/** The token-usage metric's sums by token type. */
async function tokenSums(observed: ReturnType<typeof observe>): Promise<(number | undefined)[]> {
  const found = await observed.points(METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
  const sum = (type: string) => found.find(([attributes]) => attributes[ATTR_GEN_AI_TOKEN_TYPE] === type)?.[1];
  expect(found).toHaveLength(2);
  return [sum(GEN_AI_TOKEN_TYPE_VALUE_INPUT), sum(GEN_AI_TOKEN_TYPE_VALUE_OUTPUT)];
}

const chatOpenAI = () => loopbackChatOpenAI(loopback());

describe("an errored model span carries the usage that was billed", () => {
  it("a wrapped OpenAI stream cut by withBudget: span usage = the budget error's = the RunTracer's record", async () => {
    loopback().reply(slowOpenAIStream(LONG));
    const observed = observe();
    const openai = wrapOpenAI(new OpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1"), maxRetries: 0 }));
    const error = await budgetRejection(
      withCallbacks(observed.handlers, () =>
        withBudget({ maxTokens: 20 }, async () => {
          const stream = await openai.chat.completions.create({
            model: "gpt-5.5",
            messages: [{ role: "user", content: "Go" }],
            stream: true,
          });
          for await (const chunk of stream) void chunk;
        }),
      ),
    );
    const { span, run } = await observed.errored();
    console.log(
      `wrapped openai cut at 20 tokens: span ${JSON.stringify(spanCounts(span))}, error ${JSON.stringify(usageCounts(error.usage))}, run ${JSON.stringify(runCounts(run))}`,
    );
    expect(error.usage.output_tokens).toBeGreaterThan(20);
    expect(spanCounts(span)).toEqual(usageCounts(error.usage));
    expect(spanCounts(span)).toEqual(runCounts(run));
    // The run's usage_metadata also carries its cost; the attribute carries the counts.
    const usage = JSON.parse(String(span.attributes["langsmith.usage_metadata"])) as UsageMetadata;
    expect(run.extra?.metadata).toMatchObject({ usage_metadata: usage });
    // The estimate is marked as the run's extra.usage_estimate marks it.
    expect(run.extra?.usage_estimate).toBeDefined();
    expect(JSON.parse(String(span.attributes[ESTIMATE]))).toEqual(run.extra?.usage_estimate);
    expect(await tokenSums(observed)).toEqual(usageCounts(error.usage));
    const durations = await observed.points(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    expect(durations.map(([attributes]) => attributes[ATTR_ERROR_TYPE])).toEqual([span.attributes[ATTR_ERROR_TYPE]]);
  });

  it("a wrapped Anthropic stream cut by withBudget keeps message_start's input and cache counts, exact", async () => {
    loopback().reply(slowAnthropicStream(LONG));
    const observed = observe();
    const anthropic = wrapAnthropic(new Anthropic({ apiKey: "test-key", baseURL: loopback().url(), maxRetries: 0 }));
    const error = await budgetRejection(
      withCallbacks(observed.handlers, () =>
        withBudget({ maxTokens: 30 }, async () => {
          const stream = await anthropic.messages.create({
            model: "claude-sonnet-4-5",
            max_tokens: 1000,
            messages: [{ role: "user", content: "Go" }],
            stream: true,
          });
          for await (const event of stream) void event;
        }),
      ),
    );
    const { span, run } = await observed.errored();
    const runUsage = (run.extra?.metadata as { usage_metadata?: UsageMetadata }).usage_metadata;
    console.log(
      `wrapped anthropic cut: span ${JSON.stringify(spanCounts(span))}, error ${JSON.stringify(usageCounts(error.usage))}, run ${JSON.stringify(runCounts(run))}`,
    );
    expect(spanCounts(span)).toEqual(usageCounts(error.usage));
    expect(spanCounts(span)).toEqual(runCounts(run));
    expect(error.usage.output_tokens).toBeGreaterThan(30);
    expect(runUsage?.input_token_details?.cache_read).toBeGreaterThan(0);
    expect(span.attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(runUsage?.input_token_details?.cache_read);
    expect(JSON.parse(String(span.attributes[ESTIMATE]))).toEqual({ output_tokens: "streamed_tokens" });
    expect(JSON.parse(String(span.attributes[ESTIMATE]))).toEqual(run.extra?.usage_estimate);
    expect(await tokenSums(observed)).toEqual(usageCounts(error.usage));
  });

  it("a LangChain.js ChatOpenAI stream broken mid-way: the streamed tokens, as the RunTracer and withBudget count them", async () => {
    loopback().reply(openAIStream(CHUNKS, BREAK_AFTER));
    const observed = observe();
    let budget: Budget | undefined;
    let received = 0;
    await expect(
      withCallbacks(observed.handlers, () =>
        withBudget({ maxTokens: 1_000_000 }, async (own) => {
          budget = own;
          for await (const chunk of await chatOpenAI().stream("Go")) if (chunk !== undefined) received++;
        }),
      ),
    ).rejects.toThrow();
    const { span, run } = await observed.errored();
    console.log(
      `langchain.js broken after ${received} chunks: span ${JSON.stringify(spanCounts(span))}, budget ${JSON.stringify(usageCounts(budget?.usage))}, run ${JSON.stringify(runCounts(run))}`,
    );
    expect(received).toBeGreaterThan(0);
    expect(spanCounts(span)).toEqual([0, received]);
    expect(spanCounts(span)).toEqual(usageCounts(budget?.usage));
    expect(spanCounts(span)).toEqual(runCounts(run));
    expect(JSON.parse(String(span.attributes[ESTIMATE]))).toEqual({
      input_tokens: "not_reported",
      output_tokens: "streamed_tokens",
    });
    expect(JSON.parse(String(span.attributes[ESTIMATE]))).toEqual(run.extra?.usage_estimate);
    expect(await tokenSums(observed)).toEqual([0, received]);
  });

  it("a call that fails before any token has no usage attributes and no token-usage points", async () => {
    loopback().reply(jsonReply({ error: { message: "overloaded", type: "server_error" } }, 500));
    const observed = observe();
    await expect(withCallbacks(observed.handlers, () => chatOpenAI().invoke("Go"))).rejects.toThrow();
    const { span, run } = await observed.errored();
    expect(runCounts(run)).toEqual([undefined, undefined]);
    const usageKeys = Object.keys(span.attributes).filter(
      (key) => key.startsWith("gen_ai.usage.") || key === "langsmith.usage_metadata" || key === ESTIMATE,
    );
    expect(usageKeys).toEqual([]);
    expect(await observed.points(METRIC_GEN_AI_CLIENT_TOKEN_USAGE)).toEqual([]);
    const durations = await observed.points(METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
    expect(durations.map(([attributes]) => attributes[ATTR_ERROR_TYPE])).toEqual([span.attributes[ATTR_ERROR_TYPE]]);
  });
});
