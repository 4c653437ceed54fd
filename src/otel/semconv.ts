/**
 * Every OpenTelemetry name runledger writes, in one table: GenAI semantic-convention attributes and
 * metrics, `error.type`, LangSmith's OTel-ingest attributes and runledger's own.
 *
 * The strings are copied here on purpose: `@opentelemetry/semantic-conventions` marks its GenAI
 * constants deprecated (the GenAI conventions moved to open-telemetry/semantic-conventions-genai)
 * and is not a runtime dependency of ours.
 *
 * Which version (`OTEL_SEMCONV_STABILITY_OPT_IN`): the GenAI conventions are still "Development".
 * Their transition plan says an instrumentation keeps emitting the version it emits by default and
 * switches to the latest experimental names only when `OTEL_SEMCONV_STABILITY_OPT_IN` contains
 * `gen_ai_latest_experimental` (emitting the new names instead of the old ones, never both).
 * - Default: the names of the *released* conventions (as in the incubating entry of
 *   `@opentelemetry/semantic-conventions` 1.45): `gen_ai.provider.name` (which replaced
 *   `gen_ai.system` in 1.37), `gen_ai.input.messages` / `gen_ai.output.messages`,
 *   `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens`,
 *   `gen_ai.usage.reasoning.output_tokens`, `gen_ai.client.token.usage`). This is what collectors
 *   and backends understand today, so it stays the default.
 * - `gen_ai_latest_experimental`: the GenAI repository's current names on top of that: cache writes
 *   as `gen_ai.usage.cache_write.input_tokens` (renamed from `cache_creation`, genai#440) and the
 *   per-modality usage attributes (`gen_ai.usage.{text,image,audio,video}.input_tokens`,
 *   `gen_ai.usage.{text,audio}.output_tokens`), set only when the provider reported that modality.
 *   The metrics keep their released names in both modes: their replacement on the GenAI main branch
 *   is unreleased and has already been redesigned twice (per-direction histograms, then counters),
 *   so following it would break dashboards for no settled target.
 */

/** Attribute keys. */
export const ATTR = {
  // GenAI: what the operation is (sampling-relevant, set at span start).
  GEN_AI_OPERATION_NAME: "gen_ai.operation.name",
  GEN_AI_PROVIDER_NAME: "gen_ai.provider.name",
  GEN_AI_REQUEST_MODEL: "gen_ai.request.model",
  GEN_AI_CONVERSATION_ID: "gen_ai.conversation.id",
  GEN_AI_AGENT_NAME: "gen_ai.agent.name",
  GEN_AI_WORKFLOW_NAME: "gen_ai.workflow.name",
  GEN_AI_TOOL_NAME: "gen_ai.tool.name",
  GEN_AI_TOOL_CALL_ID: "gen_ai.tool.call.id",
  GEN_AI_TOOL_DESCRIPTION: "gen_ai.tool.description",
  GEN_AI_DATA_SOURCE_ID: "gen_ai.data_source.id",
  // Where the call went (model calls made through a wrapped client that knows its base URL).
  SERVER_ADDRESS: "server.address",
  SERVER_PORT: "server.port",
  // GenAI request parameters.
  GEN_AI_REQUEST_TEMPERATURE: "gen_ai.request.temperature",
  GEN_AI_REQUEST_MAX_TOKENS: "gen_ai.request.max_tokens",
  GEN_AI_REQUEST_TOP_P: "gen_ai.request.top_p",
  GEN_AI_REQUEST_TOP_K: "gen_ai.request.top_k",
  GEN_AI_REQUEST_STOP_SEQUENCES: "gen_ai.request.stop_sequences",
  GEN_AI_REQUEST_SEED: "gen_ai.request.seed",
  GEN_AI_REQUEST_FREQUENCY_PENALTY: "gen_ai.request.frequency_penalty",
  GEN_AI_REQUEST_PRESENCE_PENALTY: "gen_ai.request.presence_penalty",
  GEN_AI_REQUEST_CHOICE_COUNT: "gen_ai.request.choice.count",
  GEN_AI_REQUEST_STREAM: "gen_ai.request.stream",
  GEN_AI_OUTPUT_TYPE: "gen_ai.output.type",
  // GenAI response.
  GEN_AI_RESPONSE_ID: "gen_ai.response.id",
  GEN_AI_RESPONSE_MODEL: "gen_ai.response.model",
  GEN_AI_RESPONSE_FINISH_REASONS: "gen_ai.response.finish_reasons",
  GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: "gen_ai.response.time_to_first_chunk",
  // GenAI usage. cache_* and reasoning are subsets of input_tokens / output_tokens.
  GEN_AI_USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  GEN_AI_USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: "gen_ai.usage.reasoning.output_tokens",
  // GenAI usage, latest experimental names (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental).
  GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS: "gen_ai.usage.cache_write.input_tokens",
  GEN_AI_USAGE_TEXT_INPUT_TOKENS: "gen_ai.usage.text.input_tokens",
  GEN_AI_USAGE_IMAGE_INPUT_TOKENS: "gen_ai.usage.image.input_tokens",
  GEN_AI_USAGE_AUDIO_INPUT_TOKENS: "gen_ai.usage.audio.input_tokens",
  GEN_AI_USAGE_VIDEO_INPUT_TOKENS: "gen_ai.usage.video.input_tokens",
  GEN_AI_USAGE_TEXT_OUTPUT_TOKENS: "gen_ai.usage.text.output_tokens",
  GEN_AI_USAGE_AUDIO_OUTPUT_TOKENS: "gen_ai.usage.audio.output_tokens",
  // GenAI content (opt-in only: see content.ts).
  GEN_AI_SYSTEM_INSTRUCTIONS: "gen_ai.system_instructions",
  GEN_AI_INPUT_MESSAGES: "gen_ai.input.messages",
  GEN_AI_OUTPUT_MESSAGES: "gen_ai.output.messages",
  GEN_AI_TOOL_CALL_ARGUMENTS: "gen_ai.tool.call.arguments",
  GEN_AI_TOOL_CALL_RESULT: "gen_ai.tool.call.result",
  GEN_AI_RETRIEVAL_QUERY_TEXT: "gen_ai.retrieval.query.text",
  // A run's inputs and outputs as JSON, where LangSmith's OTel translator reads them (the langsmith
  // SDK's GENAI_PROMPT / GENAI_COMPLETION; deprecated names in the GenAI conventions, still constants).
  GEN_AI_PROMPT: "gen_ai.prompt",
  GEN_AI_COMPLETION: "gen_ai.completion",
  // Metric dimension.
  GEN_AI_TOKEN_TYPE: "gen_ai.token.type",
  // General.
  ERROR_TYPE: "error.type",
  // LangSmith's OTel ingest (the names the langsmith SDKs export): with these a LangSmith OTLP endpoint
  // rebuilds runledger's run tree. Ids are run UUIDs, tags one ", "-joined string.
  LANGSMITH_SPAN_KIND: "langsmith.span.kind",
  LANGSMITH_TRACE_NAME: "langsmith.trace.name",
  LANGSMITH_TRACE_SESSION_NAME: "langsmith.trace.session_name",
  LANGSMITH_METADATA_PREFIX: "langsmith.metadata.",
  LANGSMITH_SPAN_TAGS: "langsmith.span.tags",
  LANGSMITH_SPAN_DOTTED_ORDER: "langsmith.span.dotted_order",
  LANGSMITH_TRACE_ID: "langsmith.trace.id",
  LANGSMITH_SPAN_ID: "langsmith.span.id",
  LANGSMITH_SPAN_PARENT_ID: "langsmith.span.parent_id",
  LANGSMITH_USAGE_METADATA: "langsmith.usage_metadata",
  // runledger's own: set on a span that runledger ended because its run never did; the value says why.
  RUNLEDGER_RUN_UNFINISHED: "runledger.run.unfinished",
  // runledger's own: set on an errored model call whose usage is partly runledger's estimate (a cut
  // stream): the JSON of the run's `extra.usage_estimate`, which counts were estimated and from what.
  RUNLEDGER_USAGE_ESTIMATE: "runledger.usage.estimate",
} as const;

/** Values of `gen_ai.operation.name` that runledger emits. */
export const OPERATION = {
  CHAT: "chat",
  TEXT_COMPLETION: "text_completion",
  EMBEDDINGS: "embeddings",
  EXECUTE_TOOL: "execute_tool",
  RETRIEVAL: "retrieval",
  INVOKE_AGENT: "invoke_agent",
  INVOKE_WORKFLOW: "invoke_workflow",
} as const;

/** Values of `gen_ai.output.type` that runledger emits. */
export const OUTPUT_TYPE = { TEXT: "text", JSON: "json", IMAGE: "image", SPEECH: "speech" } as const;

/** Values of `gen_ai.token.type`. */
export const TOKEN_TYPE = { INPUT: "input", OUTPUT: "output" } as const;

/** Values of `error.type` that are not an error's own name. */
export const ERROR_TYPE_OTHER = "_OTHER";

/** Why runledger ended a span whose run had not ended (value of `runledger.run.unfinished`). */
export const UNFINISHED_REASON = {
  /** The root run of its trace ended first (an abandoned stream, a forgotten end event). */
  ROOT_ENDED: "root_ended",
  /** Too many runs were open at once; the oldest trace was ended to bound memory. */
  OPEN_RUN_LIMIT: "open_run_limit",
  /** `endOpenSpans()` was called (e.g. at shutdown). */
  FORCED: "forced",
} as const;

// The spec's advice: token counts grow by 4x per bucket, durations double from 10 ms to 82 s.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const SECONDS_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** The GenAI client metrics: name, unit, description and the spec's explicit bucket boundaries. */
export const METRIC = {
  TOKEN_USAGE: {
    name: "gen_ai.client.token.usage",
    unit: "{token}",
    description: "Number of input and output tokens used.",
    buckets: TOKEN_BUCKETS,
  },
  OPERATION_DURATION: {
    name: "gen_ai.client.operation.duration",
    unit: "s",
    description: "GenAI operation duration.",
    buckets: SECONDS_BUCKETS,
  },
  TIME_TO_FIRST_CHUNK: {
    name: "gen_ai.client.operation.time_to_first_chunk",
    unit: "s",
    description: "Time to receive the first chunk of a streaming response.",
    buckets: SECONDS_BUCKETS,
  },
} as const;

/**
 * `gen_ai.provider.name` for each LangChain `ls_provider` name whose spec value differs. Names not
 * listed are kept as they are: the spec has no well-known value for e.g. fireworks, together or
 * ollama, and allows custom values.
 */
const PROVIDER_NAME_BY_LS_PROVIDER: Readonly<Record<string, string>> = {
  amazon_bedrock: "aws.bedrock",
  bedrock: "aws.bedrock",
  google_vertexai: "gcp.vertex_ai",
  google_genai: "gcp.gemini",
  azure: "azure.ai.openai",
  azure_openai: "azure.ai.openai",
  mistralai: "mistral_ai",
  mistral: "mistral_ai",
  xai: "x_ai",
  ibm: "ibm.watsonx.ai",
  watsonx: "ibm.watsonx.ai",
  moonshot: "moonshot_ai",
};

/** Which names to emit, resolved once from `OTEL_SEMCONV_STABILITY_OPT_IN`. */
export interface SemconvVersion {
  /** True when `gen_ai_latest_experimental` was opted into. */
  readonly latestExperimental: boolean;
  /** The attribute for input tokens written to a provider cache. */
  readonly cacheWriteInputTokens: string;
}

const INPUT_MODALITY_ATTRIBUTES: Readonly<Record<string, string>> = {
  text: ATTR.GEN_AI_USAGE_TEXT_INPUT_TOKENS,
  image: ATTR.GEN_AI_USAGE_IMAGE_INPUT_TOKENS,
  audio: ATTR.GEN_AI_USAGE_AUDIO_INPUT_TOKENS,
  video: ATTR.GEN_AI_USAGE_VIDEO_INPUT_TOKENS,
};
const OUTPUT_MODALITY_ATTRIBUTES: Readonly<Record<string, string>> = {
  text: ATTR.GEN_AI_USAGE_TEXT_OUTPUT_TOKENS,
  audio: ATTR.GEN_AI_USAGE_AUDIO_OUTPUT_TOKENS,
};

/** Per-modality usage attributes by `input_token_details` / `output_token_details` key (latest only). */
export const MODALITY_ATTRIBUTES = { input: INPUT_MODALITY_ATTRIBUTES, output: OUTPUT_MODALITY_ATTRIBUTES } as const;

/**
 * The semantic-convention version selected by `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma-separated list;
 * `gen_ai_latest_experimental` selects the newest GenAI names).
 *
 * @example
 * semconvVersion({ OTEL_SEMCONV_STABILITY_OPT_IN: "http,gen_ai_latest_experimental" }).cacheWriteInputTokens;
 * // → "gen_ai.usage.cache_write.input_tokens"
 */
export function semconvVersion(env: Readonly<Record<string, string | undefined>> = process.env): SemconvVersion {
  const optIn = (env.OTEL_SEMCONV_STABILITY_OPT_IN ?? "").split(",").map((value) => value.trim().toLowerCase());
  const latestExperimental = optIn.includes("gen_ai_latest_experimental");
  return {
    latestExperimental,
    cacheWriteInputTokens: latestExperimental
      ? ATTR.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS
      : ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  };
}

/**
 * The spec's `gen_ai.provider.name` for a LangChain / runledger provider name (`ls_provider`).
 *
 * @example
 * providerNameFor("amazon_bedrock"); // → "aws.bedrock"
 * providerNameFor("fireworks");      // → "fireworks" (no well-known value: kept)
 */
export function providerNameFor(lsProvider: string): string {
  const key = lsProvider.trim().toLowerCase();
  return PROVIDER_NAME_BY_LS_PROVIDER[key] ?? key;
}

// LangChain's model classes (chat models, LLMs and embeddings, Python and JS names) by the `ls_provider`
// each reports: for runs that carry no `ls_provider` (a serialized model called outside its own
// `invoke`, an older integration, a custom caller passing the serialized class).
const LS_PROVIDER_BY_CLASS: Readonly<Record<string, string>> = {
  ChatOpenAI: "openai",
  OpenAI: "openai",
  OpenAIEmbeddings: "openai",
  AzureChatOpenAI: "azure",
  AzureOpenAI: "azure",
  AzureOpenAIEmbeddings: "azure",
  ChatAnthropic: "anthropic",
  ChatAnthropicMessages: "anthropic",
  ChatBedrockConverse: "amazon_bedrock",
  BedrockChat: "amazon_bedrock",
  ChatBedrock: "amazon_bedrock",
  BedrockEmbeddings: "amazon_bedrock",
  ChatVertexAI: "google_vertexai",
  VertexAIEmbeddings: "google_vertexai",
  ChatGoogleGenerativeAI: "google_genai",
  GoogleGenerativeAIEmbeddings: "google_genai",
  ChatMistralAI: "mistralai",
  MistralAIEmbeddings: "mistralai",
  ChatGroq: "groq",
  ChatCohere: "cohere",
  CohereEmbeddings: "cohere",
  ChatDeepSeek: "deepseek",
  ChatXAI: "xai",
  ChatPerplexity: "perplexity",
  ChatOllama: "ollama",
  OllamaEmbeddings: "ollama",
  ChatFireworks: "fireworks",
  ChatTogetherAI: "together",
  ChatCerebras: "cerebras",
};

/**
 * The spec's `gen_ai.provider.name` for a LangChain model class name, or undefined for a class it
 * does not know (a fake or custom model: no provider is better than a wrong one).
 *
 * @example
 * providerOfClass("ChatAnthropic");       // → "anthropic"
 * providerOfClass("ChatBedrockConverse"); // → "aws.bedrock"
 * providerOfClass("FakeListChatModel");   // → undefined
 */
export function providerOfClass(className: string | undefined): string | undefined {
  if (className === undefined || !Object.hasOwn(LS_PROVIDER_BY_CLASS, className)) return undefined;
  const lsProvider = LS_PROVIDER_BY_CLASS[className];
  return lsProvider === undefined ? undefined : providerNameFor(lsProvider);
}

// Providers whose APIs take system instructions apart from the chat messages (Anthropic's `system`,
// Bedrock Converse's `system`, Gemini's `systemInstruction`), as `gen_ai.provider.name` values.
const SEPARATE_SYSTEM_PROVIDERS: ReadonlySet<string> = new Set([
  "anthropic",
  "aws.bedrock",
  "gcp.gemini",
  "gcp.vertex_ai",
  "gcp.gen_ai",
]);

/**
 * Whether a provider's API takes system instructions apart from the chat history (so they are
 * recorded as `gen_ai.system_instructions`, not as system messages).
 *
 * @example
 * takesSystemInstructions("anthropic"); // → true
 * takesSystemInstructions("openai");    // → false (system messages are part of the chat)
 */
export function takesSystemInstructions(provider: string | undefined): boolean {
  return provider !== undefined && SEPARATE_SYSTEM_PROVIDERS.has(provider);
}
