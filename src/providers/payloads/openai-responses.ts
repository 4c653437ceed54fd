import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import { convertOpenAIUsage, RESPONSES_USAGE_KEYS } from "./openai-usage.js";
import { asRecord, asString, copyUnknownKeys, isRecord, itemsOf, type JsonRecord } from "../common/records.js";
import { ToolCallAccumulator } from "../stream/tool-calls.js";
import type { ProviderName } from "../common/types.js";
import { missingUsage } from "../wrap/usage-outcome.js";

/** How a provider's LangChain package presents a Responses API payload. */
export interface ResponsesProfile {
  provider: ProviderName;
  modelProvider: string;
  emptyDetailMaps: boolean;
}

/** The response fields langchain-openai copies into response_metadata (null ones left out). */
const METADATA_KEYS = [
  "created_at",
  "id",
  "incomplete_details",
  "metadata",
  "object",
  "status",
  "user",
  "model",
  "service_tier",
  // Not copied by LangChain; kept because a failed response is otherwise unexplained.
  "error",
] as const;

/** Fields of the Response object that are request echoes or content: not response metadata. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  ...METADATA_KEYS,
  "output",
  "output_text",
  "usage",
  "instructions",
  "max_output_tokens",
  "max_tool_calls",
  "parallel_tool_calls",
  "previous_response_id",
  "prompt",
  "prompt_cache_key",
  "prompt_cache_retention",
  "reasoning",
  "safety_identifier",
  "store",
  "temperature",
  "text",
  "tool_choice",
  "tools",
  "top_logprobs",
  "top_p",
  "truncation",
  "background",
  "conversation",
  "billing",
  "completed_at",
]);

/** Stream events that carry the whole Response object. */
const RESPONSE_EVENTS: ReadonlySet<string> = new Set([
  "response.created",
  "response.queued",
  "response.in_progress",
  "response.completed",
  "response.incomplete",
  "response.failed",
]);

/** `{ object: "response", output: [...] }` */
export function isResponsesResponse(raw: JsonRecord): boolean {
  return raw.object === "response" || (Array.isArray(raw.output) && typeof raw.status === "string");
}

/** Responses stream events are typed `response.*`. */
export function isResponsesEvent(chunk: JsonRecord): boolean {
  return typeof chunk.type === "string" && chunk.type.startsWith("response.");
}

/** Builds the Responses API adapter for a provider that serves it (OpenAI, Groq). */
export function responsesAdapter(profile: ResponsesProfile): ApiAdapter {
  return {
    api: "responses",
    responseShape: 'Responses API ({ object: "response", output: [...], usage })',
    chunkShape: 'Responses API stream event ({ type: "response.…" })',
    matchesResponse: isResponsesResponse,
    matchesChunk: isResponsesEvent,
    normalize: (raw) => {
      const tools = new ToolCallAccumulator();
      return {
        text: outputText(raw.output, tools),
        toolCalls: tools.result(),
        usage: convertOpenAIUsage(raw.usage, "usage", RESPONSES_USAGE_KEYS, raw.service_tier, profile.emptyDetailMaps),
        metadata: responseMetadata(raw),
        modelName: asString(raw.model) ?? null,
        modelProvider: profile.modelProvider,
      };
    },
    createStream: () => new ResponsesStream(profile),
  };
}

function responseMetadata(response: JsonRecord): JsonRecord {
  const metadata: JsonRecord = {};
  for (const key of METADATA_KEYS) {
    const value = response[key];
    if (value !== undefined && value !== null) metadata[key] = value;
  }
  copyUnknownKeys(response, KNOWN_KEYS, metadata);
  return metadata;
}

/** The text of the output's message items; function calls go to `tools`. */
function outputText(output: unknown, tools: ToolCallAccumulator): string {
  let text = "";
  for (const entry of itemsOf(output)) {
    const item = asRecord(entry);
    if (item?.type === "function_call") {
      tools.addComplete(item.call_id, item.name, item.arguments);
    } else if (item?.type === "message") {
      for (const part of itemsOf(item.content)) {
        const block = asRecord(part);
        if (block?.type === "output_text" && typeof block.text === "string") text += block.text;
      }
    }
  }
  return text;
}

/**
 * A Responses stream: text from `response.output_text.delta`, function calls from
 * `response.output_item.added` plus argument deltas, usage and metadata from the final Response
 * (`response.completed`, `response.incomplete` or `response.failed`), which is the only place usage is.
 */
class ResponsesStream implements StreamState {
  private readonly profile: ResponsesProfile;
  private readonly texts: string[] = [];
  private readonly _tools = new ToolCallAccumulator();
  private _response: JsonRecord | undefined;
  private _error: unknown;

  constructor(profile: ResponsesProfile) {
    this.profile = profile;
  }

  add(chunk: JsonRecord): void {
    const type = chunk.type;
    if (type === "response.output_text.delta") {
      if (typeof chunk.delta === "string") this.texts.push(chunk.delta);
    } else if (type === "response.function_call_arguments.delta") {
      this._tools.add(outputIndex(chunk), undefined, undefined, chunk.delta);
    } else if (type === "response.function_call_arguments.done") {
      this._tools.setArgs(outputIndex(chunk), chunk.arguments);
    } else if (type === "response.output_item.added") {
      const item = asRecord(chunk.item);
      if (item?.type === "function_call") this._tools.add(outputIndex(chunk), item.call_id, item.name, item.arguments);
    } else if (type === "error") {
      this._error = { code: chunk.code, message: chunk.message };
    } else if (typeof type === "string" && RESPONSE_EVENTS.has(type) && isRecord(chunk.response)) {
      this._response = chunk.response;
    }
  }

  finish(): Extraction {
    const response = this._response ?? {};
    const metadata = responseMetadata(response);
    if (this._error !== undefined) metadata.error ??= this._error;
    // A stream whose deltas were not captured still has its output in the final Response.
    const fallbackTools = new ToolCallAccumulator();
    const fallbackText = outputText(response.output, fallbackTools);
    return {
      text: this.texts.length > 0 ? this.texts.join("") : fallbackText,
      toolCalls: this._tools.size > 0 ? this._tools.result() : fallbackTools.result(),
      usage: isRecord(response.usage)
        ? convertOpenAIUsage(
            response.usage,
            "response.usage",
            RESPONSES_USAGE_KEYS,
            response.service_tier,
            this.profile.emptyDetailMaps,
          )
        : missingUsage(
            "the stream ended without a response.completed, response.incomplete or response.failed event carrying usage",
          ),
      metadata,
      modelName: asString(response.model) ?? null,
      modelProvider: this.profile.modelProvider,
    };
  }
}

function outputIndex(chunk: JsonRecord): number | string {
  return typeof chunk.output_index === "number" ? chunk.output_index : String(chunk.item_id);
}
