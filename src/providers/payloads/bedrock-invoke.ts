import { emitWarning } from "../../../callbacks/warnings.js";
import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import {
  AnthropicEventStream,
  BEDROCK_METRICS_KEY,
  convertAnthropicUsage,
  extractAnthropicMessage,
  isAnthropicEvent,
  isAnthropicMessage,
} from "./anthropic.js";
import { headerUsage } from "./bedrock-usage.js";
import { asRecord, isRecord, omitKeys, type JsonRecord } from "../common/records.js";
import type { UsageOutcome } from "../wrap/usage-outcome.js";

/** Wrapper fields that hold the payload itself, not metadata. */
const WRAPPER_PAYLOAD_KEYS: ReadonlySet<string> = new Set(["body", "headers"]);

/**
 * An InvokeModel result as the SDKs return it: boto3's `{ ResponseMetadata: { HTTPHeaders }, body }`,
 * or `{ body, headers }`.
 */
export function isInvokeModelResult(raw: JsonRecord): boolean {
  return "body" in raw && (isRecord(raw.ResponseMetadata) || isRecord(raw.headers) || "contentType" in raw);
}

/** The decoded body: an object already, JSON text, or JSON bytes. Undefined when it is none of those. */
function decodeBody(body: unknown): JsonRecord | undefined {
  if (isRecord(body) && !(body instanceof Uint8Array)) return body;
  const text =
    typeof body === "string" ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  if (text === undefined) return undefined;
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** An item of the JS SDK's InvokeModelWithResponseStream: `{ chunk: { bytes } }`, the event JSON inside. */
export function isInvokeStreamItem(chunk: JsonRecord): boolean {
  const inner = asRecord(chunk.chunk);
  return inner !== undefined && (inner.bytes instanceof Uint8Array || typeof inner.bytes === "string");
}

/** Anthropic events as Bedrock streams them: decoded items or already-decoded events. */
class InvokeModelStream implements StreamState {
  private readonly events = new AnthropicEventStream(true);

  add(chunk: JsonRecord): void {
    // Decoding parses this one item only: the bytes of a stream item are one event.
    const event = isInvokeStreamItem(chunk) ? decodeBody(asRecord(chunk.chunk)?.bytes) : chunk;
    if (event !== undefined) this.events.add(event);
  }

  finish(): Extraction {
    return this.events.finish();
  }
}

/** Header names lowercased (HTTP header names are case-insensitive). */
function lowercaseHeaders(raw: JsonRecord): Record<string, unknown> {
  const headers = asRecord(asRecord(raw.ResponseMetadata)?.HTTPHeaders) ?? asRecord(raw.headers) ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(headers)) out[key.toLowerCase()] = headers[key];
  return out;
}

/**
 * A wrapped InvokeModel result. The Anthropic body gives text, tool calls and metadata; usage comes
 * from the body when it has a usage object, else from Bedrock's token-count headers (which every
 * model family gets, so a non-Anthropic body still has usage).
 */
function normalizeInvokeResult(raw: JsonRecord): Extraction {
  const body = decodeBody(raw.body);
  if (body === undefined && raw.body !== undefined) {
    emitWarning(
      "unreadable_body",
      "amazon_bedrock invoke_model: the body is not a JSON object; only the headers were read",
    );
  }
  const fromBody = body !== undefined && isAnthropicMessage(body) ? extractAnthropicMessage(body, true) : undefined;
  const headers = lowercaseHeaders(raw);
  const usage: UsageOutcome =
    body !== undefined && isRecord(body.usage)
      ? convertAnthropicUsage(body.usage, "body.usage", true)
      : headerUsage(headers);
  return {
    text: fromBody?.text ?? "",
    toolCalls: fromBody?.toolCalls ?? { tool_calls: [], invalid_tool_calls: [] },
    usage,
    metadata: { ...omitKeys(raw, WRAPPER_PAYLOAD_KEYS), ...fromBody?.metadata },
    modelName: fromBody?.modelName ?? null,
    // langchain-aws's ChatBedrock reports "bedrock"; a bare Anthropic body (below) is ChatAnthropicBedrock's.
    modelProvider: "bedrock",
  };
}

/**
 * Bedrock InvokeModel with an Anthropic body. Accepts the SDK's wrapped result, or the bare Anthropic
 * message as the Anthropic SDK's Bedrock client returns it (then the metadata is langchain-anthropic's,
 * `model_provider: "anthropic"`). Streams are Anthropic events, the last one carrying Bedrock's
 * invocation metrics.
 */
export const bedrockInvokeAdapter: ApiAdapter = {
  api: "invoke_model",
  responseShape:
    'Bedrock InvokeModel ({ ResponseMetadata: { HTTPHeaders }, body } or { body, headers }, or a bare Anthropic { type: "message" } body)',
  chunkShape: `Bedrock InvokeModel stream event (Anthropic events, the last with "${BEDROCK_METRICS_KEY}", or { chunk: { bytes } } items)`,
  matchesResponse: (raw) => isInvokeModelResult(raw) || isAnthropicMessage(raw),
  matchesChunk: (chunk) => isAnthropicEvent(chunk) || isRecord(chunk[BEDROCK_METRICS_KEY]) || isInvokeStreamItem(chunk),
  normalize: (raw) => (isInvokeModelResult(raw) ? normalizeInvokeResult(raw) : extractAnthropicMessage(raw, true)),
  createStream: () => new InvokeModelStream(),
};
