import type { ChatCallSpec, PreparedRequest, TokenSink } from "./chat-call-spec.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import { chatCompletionsCall } from "./chat-completions-call.js";
import { signalInRequestOptions } from "./request-signal.js";
import { defineClientWrapper } from "./wrap-client.js";
import type { WrapClientOptions } from "./wrap-options.js";
import { servingHost } from "./openai-hosts.js";

/** Options of `wrapOpenAI`. */
export interface WrapOpenAIOptions extends WrapClientOptions {
  /**
   * Ask for usage on Chat Completions streams (default true): when a streaming request does not set
   * `stream_options.include_usage`, the wrapper sends `include_usage: true`, so the run's usage is
   * never missing. The extra final chunk this produces (`choices: []`, only `usage`) is counted but
   * not yielded to the caller, whose stream looks exactly as it would without the wrapper. A request
   * that sets `include_usage` itself (true or false) is sent unchanged and sees every chunk.
   */
  includeStreamUsage?: boolean;
}

const CHAT_COMPLETIONS_BASE = chatCompletionsCall("openai", "ChatOpenAI");

const CHAT_COMPLETIONS_WITH_USAGE: ChatCallSpec = { ...CHAT_COMPLETIONS_BASE, prepare: requestStreamUsage };

const RESPONSES: ChatCallSpec = {
  provider: "openai",
  runName: "ChatOpenAI",
  promptKeys: new Set(["input", "instructions"]),
  maxTokensKeys: ["max_output_tokens"],
  stopKey: "stop",
  messages: responsesMessages,
  textDeltas: responsesDeltas,
  abortSignal: signalInRequestOptions,
};

const wrapper = defineClientWrapper<WrapOpenAIOptions>("openai", (options, client) => {
  const host = servingHost((client as { baseURL?: unknown }).baseURL, client.constructor?.name);
  const chat = options.includeStreamUsage === false ? CHAT_COMPLETIONS_BASE : CHAT_COMPLETIONS_WITH_USAGE;
  return {
    "chat.completions.create": { ...chat, provider: host.chatPayload, host },
    "responses.create": { ...RESPONSES, provider: host.responsesPayload, host },
  };
});

/**
 * Wraps an OpenAI client (the `openai` package, v5/v6, or anything with its shape) so that
 * `chat.completions.create` and `responses.create`, plain and streaming, and the helpers built on
 * them (`chat.completions.stream` / `parse` / `runTools`, `responses.stream` / `parse`) report
 * chat-model runs to the ambient handlers (`withCallbacks`, `withUsageMetadata`) and
 * `options.callbacks`: a start with the messages and invocation params (`ls_*` metadata as
 * LangChain's ChatOpenAI), one `handleLLMNewToken` per streamed text delta (`fields.chunk` is the
 * raw chunk; the `fields` object is reused across a stream's tokens, so read it during the call),
 * then an end with usage and response metadata, or an error.
 *
 * The provider is named from the client's base URL (see `servingHost`): a client pointed at Groq,
 * Together, Fireworks, OpenRouter, DeepSeek, Ollama, Azure OpenAI, … reports that host as
 * `ls_provider` and `response_metadata.model_provider`, and its usage by that host's rule; vLLM,
 * LM Studio and other compatible servers report `openai`. Each run's metadata also records the
 * base URL's `server_address` and `server_port` (OpenTelemetry's `server.address` / `server.port`).
 *
 * The returned client has the same type and behaves the same: the SDK's own promise
 * (`.withResponse()`, `.asResponse()`) and stream (`tee()`, `toReadableStream()`, `controller`)
 * objects are returned, instrumented in place. A stream the caller stops reading early ends its
 * run as an error (`StreamAbandonedError`) with the partial output. Wrapping twice is harmless
 * (options merge); `withOptions()` returns a wrapped client.
 *
 * @example
 * import OpenAI from "openai";
 * const openai = wrapOpenAI(new OpenAI(), { tags: ["checkout"] });
 * const { usage } = await withUsageMetadata(() =>
 *   openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
 * );
 * // usage["gpt-4o-mini-2024-07-18"].total_tokens
 */
export function wrapOpenAI<T extends object>(client: T, options?: WrapOpenAIOptions): T {
  return wrapper(client, options);
}

function requestStreamUsage(request: JsonRecord): PreparedRequest | undefined {
  if (request.stream !== true) return undefined;
  const streamOptions = isRecord(request.stream_options) ? request.stream_options : undefined;
  if (streamOptions !== undefined && streamOptions.include_usage !== undefined) return undefined;
  return {
    request: { ...request, stream_options: { ...streamOptions, include_usage: true } },
    hideEvent: isUsageOnlyChunk,
  };
}

/** The chunk `include_usage` adds at the end of a stream: no choices, only usage. */
function isUsageOnlyChunk(chunk: JsonRecord): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.length === 0 && isRecord(chunk.usage);
}

function responsesMessages(request: JsonRecord): unknown[] {
  const messages: unknown[] = [];
  if (typeof request.instructions === "string") messages.push({ role: "system", content: request.instructions });
  const input = request.input;
  if (typeof input === "string") messages.push({ role: "user", content: input });
  else if (Array.isArray(input)) messages.push(...input);
  return messages;
}

function responsesDeltas(event: JsonRecord, sink: TokenSink): void {
  if (event.type !== "response.output_text.delta") return;
  const delta = event.delta;
  if (typeof delta === "string" && delta.length > 0) sink.token(delta, 0, event);
}
