import type { JsonRecord } from "../common/records.js";
import type { ToolCallResult } from "../stream/tool-calls.js";
import type { ProviderName } from "../common/types.js";
import type { UsageOutcome } from "../wrap/usage-outcome.js";

/** What an API adapter reads out of one response, or out of a whole stream. */
export interface Extraction {
  text: string;
  toolCalls: ToolCallResult;
  usage: UsageOutcome;
  /** response_metadata without `model_name` / `model_provider`. */
  metadata: JsonRecord;
  /** The model the payload names; null when it names none. */
  modelName: string | null;
  /** response_metadata.model_provider as LangChain sets it (e.g. "bedrock_converse"). */
  modelProvider: string;
  /** Set when the payload itself reveals the provider (Bedrock metrics inside an Anthropic stream). */
  provider?: ProviderName;
}

/** Per-stream state: `add` is called once per chunk and must stay cheap; `finish` does the real work. */
export interface StreamState {
  add(chunk: JsonRecord): void;
  finish(): Extraction;
}

/** One provider API format (e.g. OpenAI Chat Completions for Groq): how to recognize and read it. */
export interface ApiAdapter {
  /** Short API name used in messages, e.g. "chat_completions". */
  readonly api: string;
  /** Human description of the response shape, for "expected …" errors. */
  readonly responseShape: string;
  /** Human description of the stream chunk shape. */
  readonly chunkShape: string;
  matchesResponse(raw: JsonRecord): boolean;
  matchesChunk(chunk: JsonRecord): boolean;
  normalize(raw: JsonRecord): Extraction;
  /** `usageRequested`: the request asked for usage in the stream (it only changes why usage is missing). */
  createStream(usageRequested?: boolean): StreamState;
}
