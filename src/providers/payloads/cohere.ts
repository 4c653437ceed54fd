import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import { CountReader } from "../common/counts.js";
import { asRecord, isRecord, itemsOf, type JsonRecord, omitKeys } from "../common/records.js";
import { ToolCallAccumulator } from "../stream/tool-calls.js";
import { buildUsage, missingUsage, type UsageOutcome } from "../wrap/usage-outcome.js";

/** Response fields that are content. */
const CONTENT_KEYS: ReadonlySet<string> = new Set(["message"]);

/** Cohere v2 chat stream event types. */
const EVENT_TYPES: ReadonlySet<string> = new Set([
  "message-start",
  "content-start",
  "content-delta",
  "content-end",
  "tool-plan-delta",
  "tool-call-start",
  "tool-call-delta",
  "tool-call-end",
  "citation-start",
  "citation-end",
  "message-end",
  "debug",
]);

/** Cohere v2 chat: `{ id, finish_reason, message: { content: [...] }, usage }`. */
export function isCohereResponse(raw: JsonRecord): boolean {
  const message = asRecord(raw.message);
  return (
    typeof raw.finish_reason === "string" &&
    message !== undefined &&
    (Array.isArray(message.content) || Array.isArray(message.tool_calls))
  );
}

export function isCohereEvent(chunk: JsonRecord): boolean {
  return typeof chunk.type === "string" && EVENT_TYPES.has(chunk.type);
}

/**
 * Cohere v2 usage: `usage.tokens` for a response and `usage.billed_units` for a stream's message-end
 * (langchain-cohere's choice), each falling back to the other; no total is sent, no details exist.
 */
function convertCohereUsage(raw: unknown, path: string, prefer: "tokens" | "billed_units"): UsageOutcome {
  const usage = asRecord(raw);
  if (usage === undefined) return missingUsage(`${path} is ${raw === null ? "null" : "absent"}`);
  const other = prefer === "tokens" ? "billed_units" : "tokens";
  const key = isRecord(usage[prefer]) ? prefer : other;
  const counts = asRecord(usage[key]);
  const reader = new CountReader();
  const input = reader.read(counts, "input_tokens", `${path}.${key}`);
  const output = reader.read(counts, "output_tokens", `${path}.${key}`);
  if (reader.problems.length === 0 && input === undefined && output === undefined) {
    return missingUsage(`${path} has neither tokens nor billed_units counts`);
  }
  return buildUsage(reader, { input: input ?? 0, output: output ?? 0 });
}

/** Text and tool calls of a v2 assistant message. */
function readMessage(message: JsonRecord | undefined, tools: ToolCallAccumulator): string {
  let text = "";
  for (const entry of itemsOf(message?.content)) {
    const block = asRecord(entry);
    if (block?.type === "text" && typeof block.text === "string") text += block.text;
  }
  for (const entry of itemsOf(message?.tool_calls)) {
    const call = asRecord(entry);
    const fn = asRecord(call?.function);
    tools.addComplete(call?.id, fn?.name, fn?.arguments);
  }
  return text;
}

/** Cohere v2: the response does not name its model (the caller's model is the only name there is). */
export const cohereAdapter: ApiAdapter = {
  api: "chat_v2",
  responseShape: "Cohere v2 chat ({ id, finish_reason, message: { content: [...] }, usage: { tokens, billed_units } })",
  chunkShape: 'Cohere v2 chat stream event ({ type: "content-delta" | "message-end" | … })',
  matchesResponse: isCohereResponse,
  matchesChunk: isCohereEvent,
  normalize: (raw): Extraction => {
    const tools = new ToolCallAccumulator();
    return {
      text: readMessage(asRecord(raw.message), tools),
      toolCalls: tools.result(),
      usage: convertCohereUsage(raw.usage, "usage", "tokens"),
      metadata: omitKeys(raw, CONTENT_KEYS),
      modelName: null,
      modelProvider: "cohere",
    };
  },
  createStream: () => new CohereStream(),
};

/** The `delta.message` of a stream event. */
function deltaMessage(chunk: JsonRecord): JsonRecord | undefined {
  return asRecord(asRecord(chunk.delta)?.message);
}

/** A Cohere v2 stream: text from content-delta, tool calls by index, usage on message-end. */
class CohereStream implements StreamState {
  private readonly texts: string[] = [];
  private readonly _tools = new ToolCallAccumulator();
  private readonly _metadata: JsonRecord = {};
  private _usage: unknown;

  add(chunk: JsonRecord): void {
    switch (chunk.type) {
      case "content-delta": {
        const text = asRecord(deltaMessage(chunk)?.content)?.text;
        if (typeof text === "string") this.texts.push(text);
        break;
      }
      case "tool-call-start":
      case "tool-call-delta": {
        const call = asRecord(deltaMessage(chunk)?.tool_calls);
        const fn = asRecord(call?.function);
        const index = typeof chunk.index === "number" ? chunk.index : "?";
        this._tools.add(index, call?.id, fn?.name, fn?.arguments);
        break;
      }
      case "message-start":
        if (typeof chunk.id === "string") this._metadata.id = chunk.id;
        break;
      case "message-end": {
        const delta = asRecord(chunk.delta);
        if (delta !== undefined) {
          if (delta.usage !== undefined) this._usage = delta.usage;
          Object.assign(this._metadata, delta);
        }
        break;
      }
    }
  }

  finish(): Extraction {
    return {
      text: this.texts.join(""),
      toolCalls: this._tools.result(),
      usage:
        this._usage === undefined
          ? missingUsage("the stream had no message-end event with usage")
          : convertCohereUsage(this._usage, "message-end.delta.usage", "billed_units"),
      metadata: { ...this._metadata },
      modelName: null,
      modelProvider: "cohere",
    };
  }
}
