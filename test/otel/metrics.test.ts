import { metrics, type Attributes } from "@opentelemetry/api";
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  type Sampler,
  type SamplingResult,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { LLMResult } from "../../schemas/index.js";
import {
  GEN_AI_METRICS as METRIC,
  OpenTelemetryCallbackHandler,
  type OpenTelemetryCallbackHandlerOptions,
} from "../../src/otel/index.js";
import { testTracing } from "../support/otel-setup.js";

/** A reader the test pulls from with collect(). */
class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}

  async histograms(): Promise<Map<string, DataPoint<Histogram>[]>> {
    const { resourceMetrics, errors } = await this.collect();
    expect(errors).toEqual([]);
    const found = new Map<string, DataPoint<Histogram>[]>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics as MetricData[]) {
        if (metric.dataPointType !== DataPointType.HISTOGRAM) continue;
        found.set(metric.descriptor.name, metric.dataPoints);
      }
    }
    return found;
  }
}

function setup(options: OpenTelemetryCallbackHandlerOptions = {}) {
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracing = testTracing();
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, meterProvider, ...options });
  const manager = CallbackManager.configure({
    callbacks: [handler],
    metadata: { ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
  });
  return { reader, manager, handler };
}

const result: LLMResult = {
  generations: [
    [
      {
        text: "hi",
        message: {
          content: "hi",
          usage_metadata: {
            input_tokens: 100,
            output_tokens: 20,
            total_tokens: 120,
            input_token_details: { cache_read: 60 },
          },
          response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
        },
      },
    ],
  ],
};

const base = {
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
};

afterEach(() => {
  metrics.disable();
});

describe("GenAI client metrics", () => {
  it("records token usage by gen_ai.token.type and the operation duration, with the spec's buckets", async () => {
    const { reader, manager } = setup();
    void manager.handleChatModelStart({ name: "m" }, [[]]).handleLLMEnd(result);
    const histograms = await reader.histograms();

    const tokens = histograms.get("gen_ai.client.token.usage") ?? [];
    expect(tokens.map((point) => [point.attributes, point.value.sum, point.value.count])).toEqual([
      [{ ...base, "gen_ai.token.type": "input" }, 100, 1],
      [{ ...base, "gen_ai.token.type": "output" }, 20, 1],
    ]);
    expect(tokens[0]?.value.buckets.boundaries).toEqual(METRIC.TOKEN_USAGE.buckets);

    const duration = histograms.get("gen_ai.client.operation.duration") ?? [];
    expect(duration).toHaveLength(1);
    expect(duration[0]?.attributes).toEqual(base);
    expect(duration[0]?.value.count).toBe(1);
    expect(duration[0]?.value.sum).toBeGreaterThanOrEqual(0);
    expect(duration[0]?.value.buckets.boundaries).toEqual(METRIC.OPERATION_DURATION.buckets);
    // Not a stream: no time to first chunk.
    expect(histograms.get("gen_ai.client.operation.time_to_first_chunk") ?? []).toEqual([]);
  });

  it("records the time to first chunk of streamed calls", async () => {
    const { reader, manager } = setup();
    const run = manager.handleChatModelStart({ name: "m" }, [[]]);
    void run.handleLLMNewToken("h");
    void run.handleLLMNewToken("i");
    void run.handleLLMEnd(result);
    const points = (await reader.histograms()).get("gen_ai.client.operation.time_to_first_chunk") ?? [];
    expect(points).toHaveLength(1);
    expect(points[0]?.attributes).toEqual(base);
    expect(points[0]?.value.count).toBe(1);
    expect(points[0]?.value.buckets.boundaries).toEqual(METRIC.TIME_TO_FIRST_CHUNK.buckets);
  });

  it("failed calls: duration with error.type, no token usage", async () => {
    const { reader, manager } = setup();
    void manager.handleChatModelStart({ name: "m" }, [[]]).handleLLMError(new TypeError("fetch failed"));
    const histograms = await reader.histograms();
    const { "gen_ai.response.model": _responseModel, ...request } = base;
    expect(histograms.get("gen_ai.client.operation.duration")?.map((point) => point.attributes)).toEqual([
      { ...request, "error.type": "TypeError" },
    ]);
    expect(histograms.get("gen_ai.client.token.usage") ?? []).toEqual([]);
  });

  it("adds only the allow-listed metadata keys as dimensions, inherited from a parent run", async () => {
    const { reader, manager } = setup({ metricMetadataKeys: ["user_id", "feature"] });
    const metadata = { user_id: "u1", feature: "chat", prompt: "unbounded text", session_id: "s-123" };
    const chain = manager.handleChainStart({ name: "agent" }, {});
    const child = chain.getChild();
    child.addMetadata({ ...metadata, ls_provider: "openai", ls_model_name: "gpt-4o-mini" }); // inheritable, as a traceable's or a LangChain.js config's metadata
    void child.handleChatModelStart({ name: "m" }, [[]]).handleLLMEnd(result);
    void manager.handleChatModelStart({ name: "m" }, [[]]).handleLLMEnd(result); // no user: no dimension
    void chain.handleChainEnd({});
    const tokens = (await reader.histograms()).get("gen_ai.client.token.usage") ?? [];
    const dims = { "langsmith.metadata.user_id": "u1", "langsmith.metadata.feature": "chat" };
    expect(tokens.map((point) => [point.attributes, point.value.sum])).toEqual([
      [{ ...base, ...dims, "gen_ai.token.type": "input" }, 100],
      [{ ...base, ...dims, "gen_ai.token.type": "output" }, 20],
      [{ ...base, "gen_ai.token.type": "input" }, 100],
      [{ ...base, "gen_ai.token.type": "output" }, 20],
    ]);
    // Without the option, metadata never becomes a metric dimension.
    const plain = setup();
    const run = plain.manager.handleChatModelStart(
      { name: "m" },
      [[]],
      undefined,
      undefined,
      undefined,
      undefined,
      metadata,
    );
    void run.handleLLMEnd(result);
    const points = (await plain.reader.histograms()).get("gen_ai.client.token.usage") ?? [];
    expect(points.map((point) => Object.keys(point.attributes).filter((key) => key.includes("metadata")))).toEqual([
      [],
      [],
    ]);
  });

  it("records nothing for chains, tools and retrievers", async () => {
    const { reader, manager } = setup();
    const chain = manager.handleChainStart({ name: "agent" }, {});
    void chain.getChild().handleToolStart({ name: "t" }, "").handleToolEnd("ok");
    void chain.getChild().handleRetrieverStart({ name: "r" }, "q").handleRetrieverEnd([]);
    void chain.handleChainEnd({});
    const histograms = await reader.histograms();
    for (const points of histograms.values()) expect(points).toEqual([]);
  });

  it("uses the global MeterProvider by default, even one registered after the handler was built", async () => {
    const tracing = testTracing();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider });
    const reader = new CollectingReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    void CallbackManager.configure({ callbacks: [handler] })
      .handleChatModelStart({ name: "m" }, [[]])
      .handleLLMEnd(result);
    const tokens = (await reader.histograms()).get("gen_ai.client.token.usage") ?? [];
    expect(tokens.map((point) => point.value.sum)).toEqual([100, 20]);
  });

  it("sampled-out calls: the sampler sees operation, provider and model; no span work; metrics still recorded", async () => {
    const seen: Attributes[] = [];
    const dropAll: Sampler = {
      shouldSample(_context, _traceId, _name, _kind, attributes): SamplingResult {
        seen.push({ ...attributes });
        return { decision: SamplingDecision.NOT_RECORD };
      },
      toString: () => "dropAll",
    };
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      sampler: dropAll,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const reader = new CollectingReader();
    const masked: unknown[] = [];
    const handler = new OpenTelemetryCallbackHandler({
      tracerProvider,
      meterProvider: new MeterProvider({ readers: [reader] }),
      captureContent: true,
      maskContent: (content) => (masked.push(content), content),
    });
    const manager = CallbackManager.configure({
      callbacks: [handler],
      metadata: { ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
    });
    void manager
      .handleChatModelStart({ name: "m" }, [[{ role: "user", content: "hi" }]], undefined, undefined, {
        invocation_params: { temperature: 0.5 },
      })
      .handleLLMEnd(result);

    expect(seen).toEqual([
      { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini" },
    ]);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(masked).toEqual([]); // content is not even converted for a span that records nothing
    expect(handler.openSpanCount).toBe(0);
    const tokens = (await reader.histograms()).get("gen_ai.client.token.usage") ?? [];
    expect(tokens.map((point) => [point.attributes, point.value.sum])).toEqual([
      [{ ...base, "gen_ai.token.type": "input" }, 100],
      [{ ...base, "gen_ai.token.type": "output" }, 20],
    ]);
  });
});
