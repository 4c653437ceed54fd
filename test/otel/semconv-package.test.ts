import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import { SpanKind } from "@opentelemetry/api";
import { DataPointType, MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { ATTR } from "../../src/otel/semconv.js";
import { testTracing } from "../support/otel-setup.js";

// The official package's GenAI constants (incubating entry): attribute names, enum values, metrics.
const constants = Object.entries(incubating as Record<string, unknown>);
const stringsOf = (prefix: RegExp): Set<string> =>
  new Set(
    constants.filter(([name, value]) => prefix.test(name) && typeof value === "string").map(([, v]) => v as string),
  );
const ATTRIBUTE_NAMES = stringsOf(/^ATTR_GEN_AI_/);
const ENUM_VALUES: Record<string, Set<string>> = {
  "gen_ai.operation.name": stringsOf(/^GEN_AI_OPERATION_NAME_VALUE_/),
  "gen_ai.provider.name": stringsOf(/^GEN_AI_PROVIDER_NAME_VALUE_/),
  "gen_ai.output.type": stringsOf(/^GEN_AI_OUTPUT_TYPE_VALUE_/),
  "gen_ai.token.type": stringsOf(/^GEN_AI_TOKEN_TYPE_VALUE_/),
};
const METRIC_NAMES = stringsOf(/^METRIC_GEN_AI_/);

/**
 * Names runledger writes only with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental: the GenAI
 * repository's newer names, not (yet) in the released package.
 */
const LATEST_EXPERIMENTAL_ONLY = new Set<string>([
  ATTR.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR.GEN_AI_USAGE_TEXT_INPUT_TOKENS,
  ATTR.GEN_AI_USAGE_IMAGE_INPUT_TOKENS,
  ATTR.GEN_AI_USAGE_AUDIO_INPUT_TOKENS,
  ATTR.GEN_AI_USAGE_VIDEO_INPUT_TOKENS,
  ATTR.GEN_AI_USAGE_TEXT_OUTPUT_TOKENS,
  ATTR.GEN_AI_USAGE_AUDIO_OUTPUT_TOKENS,
]);

class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
  async all(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }
}

/** Every kind of run runledger turns into spans and metrics, content capture on. */
async function emitEverything() {
  const reader = new CollectingReader();
  const tracing = testTracing();
  const handler = new OpenTelemetryCallbackHandler({
    tracerProvider: tracing.provider,
    meterProvider: new MeterProvider({ readers: [reader] }),
    captureContent: true,
  });
  const root = CallbackManager.configure({ callbacks: [handler], metadata: { thread_id: "t-1" } });
  // A root chain grouping two agents: invoke_workflow.
  const graph = root.handleChainStart({ id: ["langgraph", "graph", "CompiledStateGraph"] }, { input: "hi" });
  const agent = graph.getChild().handleChainStart({ id: ["langchain", "agents", "AgentExecutor"] }, { input: "hi" });
  const providers = ["openai", "anthropic", "amazon_bedrock", "google_genai", "google_vertexai", "mistralai", "groq"];
  for (const provider of providers) {
    const child = agent.getChild();
    child.addMetadata({
      ls_provider: provider,
      ls_model_name: "m-1",
      ls_temperature: 0.1,
      ls_max_tokens: 9,
      server_address: "127.0.0.1",
      server_port: 8080,
    });
    const chat = child.handleChatModelStart(
      { id: ["ChatModel"] },
      [
        [
          { role: "system", content: "be brief" },
          { role: "user", content: "hi" },
        ],
      ],
      undefined,
      undefined,
      {
        invocation_params: {
          stream: true,
          top_p: 0.5,
          top_k: 3,
          seed: 1,
          stop: ["x"],
          n: 1,
          frequency_penalty: 0,
          presence_penalty: 0,
          response_format: { type: "json_object" },
        },
      },
    );
    void chat.handleLLMNewToken("h");
    void chat.handleLLMEnd({
      generations: [
        [
          {
            text: "hi",
            message: {
              id: "resp-1",
              content: "hi",
              tool_calls: [{ id: "call_1", name: "lookup", args: { q: "x" } }],
              usage_metadata: {
                input_tokens: 10,
                output_tokens: 5,
                total_tokens: 15,
                input_token_details: { cache_read: 2, cache_creation: 1, audio: 1, text: 7 },
                output_token_details: { reasoning: 2, audio: 1, text: 2 },
              },
              response_metadata: { model_name: "m-1-2025", finish_reason: "stop", id: "resp-1" },
            },
          },
        ],
      ],
    });
  }
  const llm = CallbackManager.configure({
    callbacks: agent.getChild().handlers,
    metadata: { ls_provider: "openai" },
  }).handleLLMStart({ id: ["OpenAI"] }, ["complete this"], undefined, undefined, {
    invocation_params: { model: "gpt-3.5-turbo-instruct" },
  });
  void llm.handleLLMError(new Error("boom"));
  const tool = agent
    .getChild()
    .handleToolStart(
      { name: "lookup", description: "looks up" },
      '{"q":"x"}',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      "call_1",
    );
  void tool.handleToolEnd("found");
  const retriever = agent.getChild().handleRetrieverStart({ id: ["VectorStoreRetriever"] }, "what is x");
  void retriever.handleRetrieverEnd([{ pageContent: "x is y", metadata: {} }]);
  void agent.handleChainEnd({ output: "done" });
  // A second agent, whose provider comes from its model's class; the output types of other requests.
  const writer = graph.getChild().handleChainStart({ name: "writer_agent" }, { input: "hi" });
  const outputs: Record<string, unknown>[] = [
    { response_format: { type: "text" } },
    { modalities: ["audio"] },
    { text: { format: { type: "json_schema" } } },
  ];
  for (const params of outputs) {
    void writer
      .getChild()
      .handleChatModelStart(
        { id: ["langchain", "chat_models", "anthropic", "ChatAnthropic"] },
        [[]],
        undefined,
        undefined,
        {
          invocation_params: { model: "claude-x", ...params },
        },
      )
      .handleLLMEnd({ generations: [] });
  }
  void writer.handleChainEnd({ output: "done" });
  void graph.handleChainEnd({ output: "done" });
  return { spans: tracing.spans(), metrics: await reader.all() };
}

describe("the GenAI names runledger emits, checked against @opentelemetry/semantic-conventions", () => {
  it("every other OpenTelemetry attribute in runledger's table (error.type, server.*) is a package constant", () => {
    const all = new Set(constants.filter(([name]) => name.startsWith("ATTR_")).map(([, value]) => value));
    const general = Object.values(ATTR).filter((name) => !/^(gen_ai|langsmith|runledger)\./.test(name));
    expect(general.length).toBeGreaterThan(2);
    expect(general.filter((name) => !all.has(name))).toEqual([]);
  });

  it("every gen_ai.* attribute in runledger's table is a package constant (or latest-experimental only)", () => {
    const ours = Object.values(ATTR).filter((name) => name.startsWith("gen_ai."));
    const unknown = ours.filter((name) => !ATTRIBUTE_NAMES.has(name) && !LATEST_EXPERIMENTAL_ONLY.has(name));
    expect(unknown).toEqual([]);
    // The exceptions are really absent from the package (else they belong in the first group).
    expect([...LATEST_EXPERIMENTAL_ONLY].filter((name) => ATTRIBUTE_NAMES.has(name))).toEqual([]);
  });

  it("every gen_ai.* attribute name and enum value on emitted spans and metrics is a package constant", async () => {
    const { spans, metrics } = await emitEverything();
    expect(spans.length).toBeGreaterThan(8);
    // Every shape and name the check must cover is really emitted.
    const emitted = new Set(spans.flatMap((span) => Object.keys(span.attributes)));
    for (const name of [
      ATTR.GEN_AI_WORKFLOW_NAME,
      ATTR.GEN_AI_DATA_SOURCE_ID,
      ATTR.GEN_AI_OUTPUT_TYPE,
      ATTR.GEN_AI_SYSTEM_INSTRUCTIONS,
      ATTR.SERVER_ADDRESS,
      ATTR.SERVER_PORT,
    ])
      expect(emitted).toContain(name);
    const outputTypes = new Set(spans.map((span) => span.attributes[ATTR.GEN_AI_OUTPUT_TYPE]));
    expect([...(ENUM_VALUES["gen_ai.output.type"] ?? [])].filter((value) => !outputTypes.has(value))).toEqual([
      "image",
    ]);
    // Each operation's span kind, as the spec gives it.
    const kinds = new Map(spans.map((span) => [span.attributes[ATTR.GEN_AI_OPERATION_NAME], span.kind]));
    expect(Object.fromEntries(kinds)).toEqual({
      invoke_workflow: SpanKind.INTERNAL,
      invoke_agent: SpanKind.INTERNAL,
      chat: SpanKind.CLIENT,
      text_completion: SpanKind.CLIENT,
      execute_tool: SpanKind.INTERNAL,
      retrieval: SpanKind.CLIENT,
    });
    // gen_ai.provider.name is required on inference and invoke_agent spans and on the metrics.
    const requiresProvider = new Set(["chat", "text_completion", "invoke_agent"]);
    const withoutProvider = spans.filter(
      (span) =>
        requiresProvider.has(String(span.attributes[ATTR.GEN_AI_OPERATION_NAME])) &&
        span.attributes[ATTR.GEN_AI_PROVIDER_NAME] === undefined,
    );
    expect(withoutProvider.map((span) => span.name)).toEqual([]);
    const attributeSets = [
      ...spans.map((span) => span.attributes),
      ...metrics.flatMap((metric) =>
        metric.dataPointType === DataPointType.HISTOGRAM ? metric.dataPoints.map((point) => point.attributes) : [],
      ),
    ];
    const badNames = new Set<string>();
    const badValues = new Set<string>();
    for (const attributes of attributeSets) {
      for (const [name, value] of Object.entries(attributes)) {
        if (!name.startsWith("gen_ai.")) continue;
        if (!ATTRIBUTE_NAMES.has(name)) badNames.add(name);
        const allowed = ENUM_VALUES[name];
        if (allowed !== undefined && !allowed.has(String(value))) badValues.add(`${name}=${String(value)}`);
      }
    }
    expect([...badNames]).toEqual([]);
    expect([...badValues]).toEqual([]);
    const metricPoints = metrics.flatMap((metric) =>
      metric.dataPointType === DataPointType.HISTOGRAM ? metric.dataPoints : [],
    );
    expect(metricPoints.filter((point) => point.attributes[ATTR.GEN_AI_PROVIDER_NAME] === undefined)).toEqual([]);
    const metricNames = metrics.map((metric) => metric.descriptor.name);
    expect(metricNames.length).toBeGreaterThan(0);
    expect(metricNames.filter((name) => !METRIC_NAMES.has(name))).toEqual([]);
  });
});
