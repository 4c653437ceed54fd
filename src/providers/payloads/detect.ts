import type { ApiAdapter } from "./adapter.js";
import { BEDROCK_METRICS_KEY, isAnthropicEvent, isAnthropicMessage, isBedrockMessageId } from "./anthropic.js";
import { isConverseEvent, isConverseResponse } from "./bedrock-converse.js";
import { isInvokeModelResult, isInvokeStreamItem } from "./bedrock-invoke.js";
import { isCohereEvent, isCohereResponse } from "./cohere.js";
import { looksLikeFireworks } from "./fireworks.js";
import { isGeminiResponse, looksLikeVertex } from "./gemini.js";
import { looksLikeGroq } from "./groq.js";
import { looksLikeMistral } from "./mistral.js";
import { isOllamaObject } from "./ollama.js";
import { isChatCompletion } from "./openai-chat.js";
import { isResponsesEvent, isResponsesResponse } from "./openai-responses.js";
import { asRecord, isRecord, type JsonRecord } from "../common/records.js";
import { ADAPTERS } from "./registry.js";
import { looksLikeTogether } from "./together.js";
import type { ProviderName } from "../common/types.js";

/** A provider and the adapter for the payload's API format. */
export interface AdapterMatch {
  provider: ProviderName;
  adapter: ApiAdapter;
}

interface Rule {
  matches(raw: JsonRecord): boolean;
  provider(raw: JsonRecord): ProviderName;
}

/** The OpenAI-compatible providers share one shape; their payloads differ only in small marks. */
function chatCompletionsProvider(raw: JsonRecord): ProviderName {
  if (looksLikeGroq(raw)) return "groq";
  if (looksLikeFireworks(raw)) return "fireworks";
  if (looksLikeTogether(raw)) return "together";
  if (looksLikeMistral(raw)) return "mistralai";
  return "openai";
}

function geminiProvider(raw: JsonRecord): ProviderName {
  return looksLikeVertex(raw) ? "google_vertexai" : "google_genai";
}

const always = (provider: ProviderName) => (): ProviderName => provider;

/** Most specific shapes first: Gemini's (any object with usageMetadata) is the loosest, so it is last. */
const RESPONSE_RULES: readonly Rule[] = [
  { matches: isResponsesResponse, provider: (raw) => (looksLikeGroq(raw) ? "groq" : "openai") },
  { matches: isInvokeModelResult, provider: always("amazon_bedrock") },
  { matches: isAnthropicMessage, provider: (raw) => (isBedrockMessageId(raw.id) ? "amazon_bedrock" : "anthropic") },
  { matches: isConverseResponse, provider: always("amazon_bedrock") },
  { matches: isChatCompletion, provider: chatCompletionsProvider },
  { matches: isOllamaObject, provider: always("ollama") },
  { matches: isCohereResponse, provider: always("cohere") },
  { matches: isGeminiResponse, provider: geminiProvider },
];

const CHUNK_RULES: readonly Rule[] = [
  { matches: isResponsesEvent, provider: always("openai") },
  {
    matches: (chunk) => isRecord(chunk[BEDROCK_METRICS_KEY]) || isInvokeStreamItem(chunk),
    provider: always("amazon_bedrock"),
  },
  {
    matches: isAnthropicEvent,
    provider: (chunk) => (isBedrockMessageId(asRecord(chunk.message)?.id) ? "amazon_bedrock" : "anthropic"),
  },
  { matches: isConverseEvent, provider: always("amazon_bedrock") },
  { matches: isCohereEvent, provider: always("cohere") },
  { matches: isChatCompletion, provider: chatCompletionsProvider },
  { matches: isOllamaObject, provider: always("ollama") },
  { matches: isGeminiResponse, provider: geminiProvider },
];

function find(
  raw: JsonRecord,
  requested: ProviderName | undefined,
  kind: "response" | "chunk",
): AdapterMatch | undefined {
  const accepts = (adapter: ApiAdapter): boolean =>
    kind === "response" ? adapter.matchesResponse(raw) : adapter.matchesChunk(raw);
  if (requested !== undefined) {
    const adapter = ADAPTERS[requested].find(accepts);
    return adapter === undefined ? undefined : { provider: requested, adapter };
  }
  for (const rule of kind === "response" ? RESPONSE_RULES : CHUNK_RULES) {
    if (!rule.matches(raw)) continue;
    const provider = rule.provider(raw);
    const adapter = ADAPTERS[provider].find(accepts);
    if (adapter !== undefined) return { provider, adapter };
  }
  return undefined;
}

/** The adapter for a whole response: of `requested`'s formats, or detected from the shape. */
export function findResponseAdapter(raw: JsonRecord, requested?: ProviderName): AdapterMatch | undefined {
  return find(raw, requested, "response");
}

/** The adapter for a stream, from its first recognizable chunk. */
export function findChunkAdapter(chunk: JsonRecord, requested?: ProviderName): AdapterMatch | undefined {
  return find(chunk, requested, "chunk");
}
