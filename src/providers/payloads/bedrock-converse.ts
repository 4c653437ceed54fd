import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import { converseUsage } from "./bedrock-usage.js";
import { asRecord, isRecord, itemsOf, type JsonRecord, omitKeys } from "../common/records.js";
import { ToolCallAccumulator } from "../stream/tool-calls.js";
import { missingUsage } from "../wrap/usage-outcome.js";

/** langchain-aws's ChatBedrockConverse reports this model_provider. */
const MODEL_PROVIDER = "bedrock_converse";

/** Response fields that are content or usage; langchain-aws keeps the rest as response_metadata. */
const CONTENT_KEYS: ReadonlySet<string> = new Set(["output", "usage"]);

/** ConverseStream event keys (each event is an object with exactly one of them). */
const EVENT_KEYS = [
  "messageStart",
  "contentBlockStart",
  "contentBlockDelta",
  "contentBlockStop",
  "messageStop",
  "metadata",
  "internalServerException",
  "modelStreamErrorException",
  "validationException",
  "throttlingException",
  "serviceUnavailableException",
] as const;

/** `{ output: { message }, stopReason, usage }` */
export function isConverseResponse(raw: JsonRecord): boolean {
  return isRecord(raw.output) && ("stopReason" in raw || isRecord(raw.usage));
}

export function isConverseEvent(chunk: JsonRecord): boolean {
  for (const key of EVENT_KEYS) if (isRecord(chunk[key])) return true;
  return false;
}

/** Text and tool calls of Converse content blocks (reasoning blocks are not text). */
function readContent(content: unknown, tools: ToolCallAccumulator): string {
  let text = "";
  for (const entry of itemsOf(content)) {
    const block = asRecord(entry);
    if (typeof block?.text === "string") text += block.text;
    const toolUse = asRecord(block?.toolUse);
    if (toolUse !== undefined) tools.addComplete(toolUse.toolUseId, toolUse.name, undefined, toolUse.input);
  }
  return text;
}

/** Bedrock Converse: the response names no model (the caller's model id is the only name there is). */
export const bedrockConverseAdapter: ApiAdapter = {
  api: "converse",
  responseShape: "Bedrock Converse ({ output: { message }, stopReason, usage })",
  chunkShape:
    "Bedrock ConverseStream event ({ messageStart } | { contentBlockDelta } | { messageStop } | { metadata })",
  matchesResponse: isConverseResponse,
  matchesChunk: isConverseEvent,
  normalize: (raw): Extraction => {
    const tools = new ToolCallAccumulator();
    const message = asRecord(asRecord(raw.output)?.message);
    return {
      text: readContent(message?.content, tools),
      toolCalls: tools.result(),
      usage: converseUsage(raw.usage, "usage"),
      metadata: omitKeys(raw, CONTENT_KEYS),
      modelName: null,
      modelProvider: MODEL_PROVIDER,
    };
  },
  createStream: () => new ConverseStream(),
};

/** A ConverseStream: usage arrives once, in the final `metadata` event. */
class ConverseStream implements StreamState {
  private readonly texts: string[] = [];
  private readonly tools = new ToolCallAccumulator();
  private readonly _metadata: JsonRecord = {};
  private _usage: unknown;

  add(chunk: JsonRecord): void {
    const delta = asRecord(chunk.contentBlockDelta);
    if (delta !== undefined) {
      const inner = asRecord(delta.delta);
      if (typeof inner?.text === "string") this.texts.push(inner.text);
      const toolUse = asRecord(inner?.toolUse);
      if (toolUse !== undefined) this.tools.add(blockIndex(delta), undefined, undefined, toolUse.input);
      return;
    }
    const start = asRecord(chunk.contentBlockStart);
    if (start !== undefined) {
      const toolUse = asRecord(asRecord(start.start)?.toolUse);
      if (toolUse !== undefined) this.tools.add(blockIndex(start), toolUse.toolUseId, toolUse.name, undefined);
      return;
    }
    const stop = asRecord(chunk.messageStop);
    if (stop !== undefined) {
      Object.assign(this._metadata, stop);
      return;
    }
    const meta = asRecord(chunk.metadata);
    if (meta !== undefined) {
      if (meta.usage !== undefined) this._usage = meta.usage;
      Object.assign(this._metadata, omitKeys(meta, CONTENT_KEYS));
      return;
    }
    for (const key of EVENT_KEYS) {
      if (key.endsWith("Exception") && chunk[key] !== undefined) this._metadata[key] = chunk[key];
    }
  }

  finish(): Extraction {
    return {
      text: this.texts.join(""),
      toolCalls: this.tools.result(),
      usage:
        this._usage === undefined
          ? missingUsage("the stream had no metadata event with usage")
          : converseUsage(this._usage, "metadata.usage"),
      metadata: { ...this._metadata },
      modelName: null,
      modelProvider: MODEL_PROVIDER,
    };
  }
}

function blockIndex(event: JsonRecord): number | string {
  return typeof event.contentBlockIndex === "number" ? event.contentBlockIndex : "?";
}
