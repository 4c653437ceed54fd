import type { ResponseMetadata, ToolCall, UsageMetadata } from "../../../schemas/index.js";

/** Provider names, as LangChain's `ls_provider` spells them. */
export const PROVIDER_NAMES = [
  "openai",
  "anthropic",
  "google_vertexai",
  "google_genai",
  "amazon_bedrock",
  "mistralai",
  "groq",
  "fireworks",
  "together",
  "ollama",
  "cohere",
] as const;

/** A provider runledger can normalize, named as LangChain's `ls_provider`. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A tool call whose arguments were not valid JSON object text: kept verbatim, as LangChain does. */
export interface InvalidToolCall {
  id?: string;
  name?: string;
  /** The raw argument text the model produced. */
  args: string;
  error: string;
  type: "invalid_tool_call";
}

/** Options of `normalizeResponse` and `StreamAccumulator`. */
export interface NormalizeOptions {
  /** The provider, when known; otherwise it is detected from the payload's shape. */
  provider?: ProviderName;
  /**
   * The model the caller asked for. Used as `model_name` only when the payload names no model
   * (Bedrock Converse, Cohere, Fireworks streams); a model the payload names always wins.
   */
  model?: string;
}

/** Options of `StreamAccumulator`. */
export interface StreamAccumulatorOptions extends NormalizeOptions {
  /**
   * The request asked for usage in the stream (OpenAI's `stream_options: { include_usage: true }`):
   * a stream without it then reads as ended before its usage chunk, not as a request to set the option.
   */
  usageRequested?: boolean;
}

/** One provider response (or one whole stream) in LangChain's terms. */
export interface NormalizedResponse {
  provider: ProviderName;
  /** The assistant's text (reasoning/thinking text excluded). */
  text: string;
  tool_calls: ToolCall[];
  invalid_tool_calls: InvalidToolCall[];
  /** Absent when the payload carries no usable token counts (a warning says why). */
  usage_metadata?: UsageMetadata;
  /** The keys LangChain keeps for this provider, unknown extra fields, `model_name` and `model_provider`. */
  response_metadata: ResponseMetadata;
}

/** What `StreamAccumulator.result()` returns: the same contract as `normalizeResponse`. */
export type StreamResult = NormalizedResponse;
