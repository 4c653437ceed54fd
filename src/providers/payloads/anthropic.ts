import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import { invocationMetricsUsage } from "./bedrock-usage.js";
import { splitCacheCreation } from "./cache-ttl.js";
import { CountReader } from "../common/counts.js";
import { asRecord, asString, isRecord, itemsOf, type JsonRecord, omitKeys } from "../common/records.js";
import { ToolCallAccumulator } from "../stream/tool-calls.js";
import { buildUsage, missingUsage, type UsageOutcome } from "../wrap/usage-outcome.js";

/** Message fields that are content, not metadata (langchain-anthropic keeps everything else). */
const CONTENT_KEYS: ReadonlySet<string> = new Set(["content", "role", "type"]);

/** Anthropic Messages stream event types. */
const EVENT_TYPES: ReadonlySet<string> = new Set([
  "message_start",
  "message_delta",
  "message_stop",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "ping",
  "error",
]);

/** The key Bedrock adds to the last event of an InvokeModel stream. */
export const BEDROCK_METRICS_KEY = "amazon-bedrock-invocationMetrics";

/** `{ type: "message", content: [...] }` */
export function isAnthropicMessage(raw: JsonRecord): boolean {
  return raw.type === "message" && Array.isArray(raw.content);
}

export function isAnthropicEvent(chunk: JsonRecord): boolean {
  return typeof chunk.type === "string" && EVENT_TYPES.has(chunk.type);
}

/** Bedrock's Anthropic message ids start with `msg_bdrk_`. */
export function isBedrockMessageId(id: unknown): boolean {
  return typeof id === "string" && id.startsWith("msg_bdrk_");
}

/**
 * Anthropic's usage rule: `input_tokens` excludes the cache, so input = input + cache writes + cache
 * reads (writes taken from the TTL split when it is non-zero); `thinking_tokens` is a subset of the
 * output and becomes `reasoning` (LangChain drops it). Zero counts are kept as sent.
 *
 * @param alwaysCacheDetails - report cache_read and cache_creation even when absent (as 0), which is
 *   what Bedrock's packages do.
 */
export function convertAnthropicUsage(raw: unknown, path: string, alwaysCacheDetails: boolean): UsageOutcome {
  const usage = asRecord(raw);
  if (usage === undefined) return missingUsage(`${path} is ${raw === null ? "null" : "absent"}`);
  const reader = new CountReader();
  const input = reader.read(usage, "input_tokens", path);
  const output = reader.read(usage, "output_tokens", path);
  const cacheRead = reader.read(usage, "cache_read_input_tokens", path);
  const cacheWrite = reader.read(usage, "cache_creation_input_tokens", path);
  const ttl = asRecord(usage.cache_creation);
  const ttl5m = reader.read(ttl, "ephemeral_5m_input_tokens", `${path}.cache_creation`);
  const ttl1h = reader.read(ttl, "ephemeral_1h_input_tokens", `${path}.cache_creation`);
  const thinking = reader.read(
    asRecord(usage.output_tokens_details),
    "thinking_tokens",
    `${path}.output_tokens_details`,
  );
  if (reader.problems.length === 0 && input === undefined && output === undefined) {
    return missingUsage(`${path} has neither input_tokens nor output_tokens`);
  }
  const creation = splitCacheCreation(cacheWrite, ttl5m, ttl1h);
  const inputDetails: Record<string, number | undefined> = {
    cache_read: alwaysCacheDetails ? (cacheRead ?? 0) : cacheRead,
    cache_creation: alwaysCacheDetails ? (creation.detail ?? 0) : creation.detail,
  };
  if (ttl !== undefined) {
    inputDetails.ephemeral_5m_input_tokens = ttl5m;
    inputDetails.ephemeral_1h_input_tokens = ttl1h;
  }
  return buildUsage(reader, {
    input: (input ?? 0) + (cacheRead ?? 0) + creation.total,
    output: output ?? 0,
    inputDetails,
    outputDetails: thinking === undefined ? undefined : { reasoning: thinking },
  });
}

/** Text (thinking excluded) and tool calls of a message's content blocks. */
function readAnthropicContent(content: unknown, tools: ToolCallAccumulator): string {
  let text = "";
  for (const entry of itemsOf(content)) {
    const block = asRecord(entry);
    if (block?.type === "text" && typeof block.text === "string") text += block.text;
    else if (block?.type === "tool_use") tools.addComplete(block.id, block.name, undefined, block.input);
  }
  return text;
}

/** A whole Anthropic message: the message minus its content is langchain-anthropic's metadata. */
export function extractAnthropicMessage(message: JsonRecord, alwaysCacheDetails: boolean): Extraction {
  const tools = new ToolCallAccumulator();
  return {
    text: readAnthropicContent(message.content, tools),
    toolCalls: tools.result(),
    usage: convertAnthropicUsage(message.usage, "usage", alwaysCacheDetails),
    metadata: omitKeys(message, CONTENT_KEYS),
    modelName: asString(message.model) ?? null,
    modelProvider: "anthropic",
  };
}

export const anthropicMessagesAdapter: ApiAdapter = {
  api: "messages",
  responseShape: 'Anthropic Messages ({ type: "message", content: [...], usage })',
  chunkShape: 'Anthropic Messages stream event ({ type: "message_start" | "content_block_delta" | … })',
  matchesResponse: isAnthropicMessage,
  matchesChunk: isAnthropicEvent,
  normalize: (raw) => extractAnthropicMessage(raw, false),
  createStream: () => new AnthropicEventStream(false),
};

/**
 * An Anthropic Messages event stream, also as Bedrock InvokeModel streams it. `message_start`
 * carries the input and cache counts, each `message_delta` the cumulative output (and, on some
 * backends, the input again): the counts are merged field by field, the latest value winning, and
 * converted once, so nothing is summed twice and no input is lost. When Bedrock appends its
 * invocation metrics to the last event, those are the usage.
 */
export class AnthropicEventStream implements StreamState {
  private readonly bedrock: boolean;
  private readonly texts: string[] = [];
  private readonly tools = new ToolCallAccumulator();
  private _metadata: JsonRecord = {};
  private _usage: JsonRecord | undefined;
  private metrics: unknown;

  /** @param bedrock - the stream came through Bedrock InvokeModel (cache details always reported). */
  constructor(bedrock: boolean) {
    this.bedrock = bedrock;
  }

  add(chunk: JsonRecord): void {
    switch (chunk.type) {
      case "content_block_delta":
        this.addDelta(chunk);
        break;
      case "content_block_start":
        this.startBlock(chunk);
        break;
      case "message_start":
        this.start(chunk.message);
        break;
      case "message_delta":
        if (isRecord(chunk.delta)) Object.assign(this._metadata, chunk.delta);
        if (isRecord(chunk.usage)) this.mergeUsage(chunk.usage);
        break;
      case "error":
        this._metadata.error = chunk.error;
        break;
    }
    const metrics = chunk[BEDROCK_METRICS_KEY];
    if (metrics !== undefined) this.metrics = metrics;
  }

  private start(message: unknown): void {
    if (!isRecord(message)) return;
    const metadata = omitKeys(message, CONTENT_KEYS);
    delete metadata.usage;
    this._metadata = Object.assign(metadata, this._metadata);
    if (isRecord(message.usage)) this.mergeUsage(message.usage);
    const text = readAnthropicContent(message.content, this.tools);
    if (text !== "") this.texts.push(text);
  }

  private startBlock(chunk: JsonRecord): void {
    const block = chunk.content_block;
    if (!isRecord(block)) return;
    if (block.type === "text" && typeof block.text === "string" && block.text !== "") this.texts.push(block.text);
    else if (block.type === "tool_use") this.tools.add(blockIndex(chunk), block.id, block.name, undefined, block.input);
  }

  private addDelta(chunk: JsonRecord): void {
    const delta = chunk.delta;
    if (!isRecord(delta)) return;
    if (delta.type === "text_delta" && typeof delta.text === "string") this.texts.push(delta.text);
    else if (delta.type === "input_json_delta")
      this.tools.add(blockIndex(chunk), undefined, undefined, delta.partial_json);
  }

  private mergeUsage(usage: JsonRecord): void {
    const merged = (this._usage ??= {});
    for (const key in usage) {
      const value = usage[key];
      if (value !== null && value !== undefined) merged[key] = value;
    }
  }

  finish(): Extraction {
    const viaBedrock = this.metrics !== undefined;
    const usage = viaBedrock
      ? invocationMetricsUsage(this.metrics, BEDROCK_METRICS_KEY)
      : this._usage === undefined
        ? missingUsage("neither message_start nor message_delta carried usage")
        : convertAnthropicUsage(this._usage, "usage", this.bedrock);
    const metadata = { ...this._metadata };
    if (this._usage !== undefined) metadata.usage = this._usage;
    const extraction: Extraction = {
      text: this.texts.join(""),
      toolCalls: this.tools.result(),
      usage,
      metadata,
      modelName: asString(this._metadata.model) ?? null,
      // Bedrock's own envelope (the invocation metrics) marks what langchain-aws reports as "bedrock".
      modelProvider: viaBedrock ? "bedrock" : "anthropic",
    };
    if (viaBedrock) extraction.provider = "amazon_bedrock";
    return extraction;
  }
}

function blockIndex(chunk: JsonRecord): number | string {
  return typeof chunk.index === "number" ? chunk.index : "?";
}
