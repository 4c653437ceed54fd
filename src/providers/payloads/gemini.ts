import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import { CountReader } from "../common/counts.js";
import { asArray, asRecord, asString, isRecord, itemsOf, type JsonRecord } from "../common/records.js";
import { snakeCase } from "../common/snake-case.js";
import { ToolCallAccumulator } from "../stream/tool-calls.js";
import { buildUsage, missingUsage, type UsageOutcome } from "../wrap/usage-outcome.js";

type GeminiProvider = "google_genai" | "google_vertexai";

/** Response fields handled on their own; the other top-level fields go to metadata in snake_case. */
const RESPONSE_KEYS: ReadonlySet<string> = new Set([
  "candidates",
  "usageMetadata",
  "usage_metadata",
  "modelVersion",
  "model_version",
  // The JS SDK's own record of the HTTP response (headers), not part of the API's payload.
  "sdkHttpResponse",
]);

/** Candidate fields that are content. */
const CANDIDATE_CONTENT_KEYS: ReadonlySet<string> = new Set(["content", "index"]);

/** Gemini REST bodies are camelCase, the Python SDKs' dicts snake_case: both are accepted. */
function field(record: JsonRecord | undefined, camel: string, snake: string): unknown {
  if (record === undefined) return undefined;
  return record[camel] ?? record[snake];
}

/** `{ candidates: [...] }` or a usage-only / blocked-prompt response. */
export function isGeminiResponse(raw: JsonRecord): boolean {
  return (
    Array.isArray(raw.candidates) ||
    isRecord(field(raw, "usageMetadata", "usage_metadata")) ||
    isRecord(field(raw, "promptFeedback", "prompt_feedback"))
  );
}

/** Vertex AI's responses carry a `createTime` and the usage's `trafficType`; the Gemini API's do not. */
export function looksLikeVertex(raw: JsonRecord): boolean {
  const usage = asRecord(field(raw, "usageMetadata", "usage_metadata"));
  return (
    field(raw, "createTime", "create_time") !== undefined || field(usage, "trafficType", "traffic_type") !== undefined
  );
}

/**
 * Gemini's usage rule: the prompt count already includes cached content (cache_read is a subset, 0
 * when absent), tool-use prompt tokens are input, thoughts are output (`reasoning` when > 0; LangChain's
 * Vertex package leaves them out of the output, runledger does not). Zero counts are omitted from
 * Gemini's JSON, so a missing count is 0.
 */
function convertGeminiUsage(raw: unknown, path: string): UsageOutcome {
  const usage = asRecord(raw);
  if (usage === undefined) return missingUsage(`${path} is absent`);
  const reader = new CountReader();
  const prompt = reader.readEither(usage, "promptTokenCount", "prompt_token_count", path);
  const toolUse = reader.readEither(usage, "toolUsePromptTokenCount", "tool_use_prompt_token_count", path);
  const candidates = reader.readEither(usage, "candidatesTokenCount", "candidates_token_count", path);
  const thoughts = reader.readEither(usage, "thoughtsTokenCount", "thoughts_token_count", path);
  const cached = reader.readEither(usage, "cachedContentTokenCount", "cached_content_token_count", path);
  const total = reader.readEither(usage, "totalTokenCount", "total_token_count", path);
  if (reader.problems.length === 0 && prompt === undefined && candidates === undefined && total === undefined) {
    return missingUsage(`${path} has no token counts`);
  }
  return buildUsage(reader, {
    input: (prompt ?? 0) + (toolUse ?? 0),
    output: (candidates ?? 0) + (thoughts ?? 0),
    reportedTotal: total,
    inputDetails: { cache_read: cached ?? 0 },
    outputDetails: thoughts !== undefined && thoughts > 0 ? { reasoning: thoughts } : undefined,
  });
}

/** Whether a usage record has any of the main counts (a chunk may carry an empty one). */
function hasCounts(usage: JsonRecord): boolean {
  return (
    field(usage, "promptTokenCount", "prompt_token_count") !== undefined ||
    field(usage, "candidatesTokenCount", "candidates_token_count") !== undefined ||
    field(usage, "totalTokenCount", "total_token_count") !== undefined
  );
}

/** Text (thought summaries excluded) and function calls of a candidate's parts. */
function readParts(candidate: JsonRecord | undefined, tools: ToolCallAccumulator, texts: string[]): void {
  for (const entry of itemsOf(asRecord(candidate?.content)?.parts)) {
    const part = asRecord(entry);
    if (part === undefined) continue;
    if (typeof part.text === "string" && part.thought !== true) texts.push(part.text);
    const call = asRecord(field(part, "functionCall", "function_call"));
    if (call !== undefined) tools.addComplete(call.id, call.name, undefined, call.args ?? {});
  }
}

function firstCandidate(raw: JsonRecord): JsonRecord | undefined {
  return asRecord(asArray(raw.candidates)?.[0]);
}

/** Copies response and candidate fields into `metadata` with LangChain's snake_case names. */
function addMetadata(raw: JsonRecord, candidate: JsonRecord | undefined, metadata: JsonRecord): void {
  for (const key in raw) {
    if (!RESPONSE_KEYS.has(key) && raw[key] !== undefined && raw[key] !== null) metadata[snakeCase(key)] = raw[key];
  }
  if (candidate === undefined) return;
  for (const key in candidate) {
    if (!CANDIDATE_CONTENT_KEYS.has(key) && candidate[key] !== undefined && candidate[key] !== null) {
      metadata[snakeCase(key)] = candidate[key];
    }
  }
}

/** langchain-google-vertexai also reports the raw usage and whether a safety rating blocked the answer. */
function addVertexMetadata(metadata: JsonRecord, usage: unknown): void {
  if (usage !== undefined) metadata.usage_metadata = usage;
  const ratings = itemsOf(metadata.safety_ratings);
  metadata.is_blocked = ratings.some((rating) => asRecord(rating)?.blocked === true);
}

/** Builds the adapter for the Gemini API (google_genai) or Vertex AI (google_vertexai): one format. */
export function geminiAdapter(provider: GeminiProvider): ApiAdapter {
  return {
    api: "generate_content",
    responseShape: "Gemini generateContent ({ candidates: [...], usageMetadata, modelVersion })",
    chunkShape: "Gemini streamGenerateContent chunk ({ candidates, usageMetadata }, usage cumulative)",
    matchesResponse: isGeminiResponse,
    matchesChunk: isGeminiResponse,
    normalize: (raw) => {
      const tools = new ToolCallAccumulator();
      const texts: string[] = [];
      const candidate = firstCandidate(raw);
      readParts(candidate, tools, texts);
      const usage = field(raw, "usageMetadata", "usage_metadata");
      const metadata: JsonRecord = {};
      addMetadata(raw, candidate, metadata);
      if (provider === "google_vertexai") addVertexMetadata(metadata, usage);
      return {
        text: texts.join(""),
        toolCalls: tools.result(),
        usage: convertGeminiUsage(usage, "usageMetadata"),
        metadata,
        modelName: asString(field(raw, "modelVersion", "model_version")) ?? null,
        modelProvider: provider,
      };
    },
    createStream: () => new GeminiStream(provider),
  };
}

/**
 * A Gemini stream. Every chunk's usage is the running total, so the last one is the answer: never a
 * sum of chunks, and never lost when earlier chunks had none.
 */
class GeminiStream implements StreamState {
  private readonly provider: GeminiProvider;
  private readonly texts: string[] = [];
  private readonly tools = new ToolCallAccumulator();
  private readonly _metadata: JsonRecord = {};
  private _usage: unknown;
  private model: string | undefined;

  constructor(provider: GeminiProvider) {
    this.provider = provider;
  }

  add(chunk: JsonRecord): void {
    const candidate = firstCandidate(chunk);
    readParts(candidate, this.tools, this.texts);
    const usage = field(chunk, "usageMetadata", "usage_metadata");
    if (isRecord(usage) && hasCounts(usage)) this._usage = usage;
    const model = field(chunk, "modelVersion", "model_version");
    if (typeof model === "string") this.model = model;
    addMetadata(chunk, candidate, this._metadata);
  }

  finish(): Extraction {
    const metadata = { ...this._metadata };
    if (this.provider === "google_vertexai") addVertexMetadata(metadata, this._usage);
    return {
      text: this.texts.join(""),
      toolCalls: this.tools.result(),
      usage:
        this._usage === undefined
          ? missingUsage("no chunk carried usageMetadata")
          : convertGeminiUsage(this._usage, "usageMetadata"),
      metadata,
      modelName: this.model ?? null,
      modelProvider: this.provider,
    };
  }
}
