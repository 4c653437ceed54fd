import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import { CountReader } from "../common/counts.js";
import { asRecord, asString, isRecord, itemsOf, type JsonRecord, omitKeys } from "../common/records.js";
import { ToolCallAccumulator } from "../stream/tool-calls.js";
import { buildUsage, missingUsage, type UsageOutcome } from "../wrap/usage-outcome.js";

/** Fields that are content; langchain-ollama keeps the rest of the final object as metadata. */
const CONTENT_KEYS: ReadonlySet<string> = new Set(["message", "response", "context"]);

/** `{ model, message | response, done }`: /api/chat and /api/generate objects. */
export function isOllamaObject(raw: JsonRecord): boolean {
  return typeof raw.done === "boolean" && (isRecord(raw.message) || typeof raw.response === "string");
}

/**
 * Ollama's counts: prompt_eval_count in, eval_count out, no details. Like langchain-ollama, there is
 * no usage unless both counts are present (Ollama omits prompt_eval_count when the prompt was cached).
 */
function convertOllamaUsage(raw: JsonRecord): UsageOutcome {
  const reader = new CountReader();
  const input = reader.read(raw, "prompt_eval_count", "response");
  const output = reader.read(raw, "eval_count", "response");
  if (reader.problems.length === 0 && (input === undefined || output === undefined)) {
    return missingUsage("Ollama reports usage only when both prompt_eval_count and eval_count are present");
  }
  return buildUsage(reader, { input: input ?? 0, output: output ?? 0 });
}

/** Text and tool calls of one object; Ollama sends tool calls whole, arguments already parsed. */
function readMessage(raw: JsonRecord, tools: ToolCallAccumulator, texts: string[]): void {
  const message = asRecord(raw.message);
  const text = message === undefined ? raw.response : message.content;
  if (typeof text === "string" && text !== "") texts.push(text);
  for (const entry of itemsOf(message?.tool_calls)) {
    const fn = asRecord(asRecord(entry)?.function);
    const args = fn?.arguments;
    tools.addComplete(
      asRecord(entry)?.id,
      fn?.name,
      typeof args === "string" ? args : undefined,
      isRecord(args) ? args : undefined,
    );
  }
}

function extract(
  final: JsonRecord | undefined,
  tools: ToolCallAccumulator,
  texts: string[],
  model: unknown,
): Extraction {
  return {
    text: texts.join(""),
    toolCalls: tools.result(),
    usage:
      final === undefined
        ? missingUsage("the stream ended before the final (done: true) object")
        : convertOllamaUsage(final),
    metadata: final === undefined ? {} : omitKeys(final, CONTENT_KEYS),
    modelName: asString(model) ?? null,
    modelProvider: "ollama",
  };
}

export const ollamaAdapter: ApiAdapter = {
  api: "chat",
  responseShape: "Ollama /api/chat ({ model, message, done, prompt_eval_count, eval_count })",
  chunkShape: "Ollama stream object ({ model, message, done }; counts on the done: true object)",
  matchesResponse: isOllamaObject,
  matchesChunk: isOllamaObject,
  normalize: (raw) => {
    const tools = new ToolCallAccumulator();
    const texts: string[] = [];
    readMessage(raw, tools, texts);
    return extract(raw, tools, texts, raw.model);
  },
  createStream: () => new OllamaStream(),
};

/** An Ollama stream: text on every object, counts and metadata on the final `done: true` one. */
class OllamaStream implements StreamState {
  private readonly texts: string[] = [];
  private readonly _tools = new ToolCallAccumulator();
  private final: JsonRecord | undefined;
  private _model: unknown;

  add(chunk: JsonRecord): void {
    readMessage(chunk, this._tools, this.texts);
    if (typeof chunk.model === "string") this._model = chunk.model;
    if (chunk.done === true) this.final = chunk;
  }

  finish(): Extraction {
    return extract(this.final, this._tools, this.texts, this._model);
  }
}
