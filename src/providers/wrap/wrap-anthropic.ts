import type { ChatCallSpec, TokenSink } from "./chat-call-spec.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import { signalInRequestOptions } from "./request-signal.js";
import { defineClientWrapper } from "./wrap-client.js";
import type { WrapClientOptions } from "./wrap-options.js";

/** Options of `wrapAnthropic`. */
export type WrapAnthropicOptions = WrapClientOptions;

const MESSAGES: ChatCallSpec = {
  provider: "anthropic",
  runName: "ChatAnthropic",
  promptKeys: new Set(["messages", "system"]),
  maxTokensKeys: ["max_tokens"],
  stopKey: "stop_sequences",
  messages: anthropicMessages,
  textDeltas: anthropicDeltas,
  abortSignal: signalInRequestOptions,
};

const wrapper = defineClientWrapper<WrapAnthropicOptions>("anthropic", () => ({
  "messages.create": MESSAGES,
  "beta.messages.create": MESSAGES,
}));

/**
 * Wraps an Anthropic client (the `@anthropic-ai/sdk` package, or anything with its shape) so that
 * `messages.create` and `beta.messages.create`, plain and streaming, and the helpers built on them
 * (`messages.stream()` with its `MessageStream` events and `finalMessage()`, `messages.parse()`)
 * report chat-model runs to the ambient handlers (`withCallbacks`, `withUsageMetadata`) and
 * `options.callbacks`: a start with the messages (the `system` prompt first, as a system message)
 * and invocation params (`ls_*` metadata as LangChain's ChatAnthropic), one `handleLLMNewToken` per
 * streamed text delta (`fields.chunk` is the raw event; the `fields` object is reused across a
 * stream's tokens, so read it during the call), then an end with usage (cache reads and writes
 * included in `input_tokens`) and response metadata, or an error.
 *
 * The returned client has the same type and behaves the same: the SDK's own `APIPromise`
 * (`.withResponse()`, `.asResponse()`), `Stream` and `MessageStream` objects are returned,
 * instrumented in place, and a `messages.stream()` call is one run (its inner `create` is not
 * counted again). A stream the caller stops reading early ends its run as an error
 * (`StreamAbandonedError`) with the partial output. Wrapping twice is harmless (options merge);
 * `withOptions()` returns a wrapped client.
 *
 * @example
 * import Anthropic from "@anthropic-ai/sdk";
 * const anthropic = wrapAnthropic(new Anthropic(), { metadata: { feature: "summaries" } });
 * const stream = anthropic.messages.stream({ model: "claude-haiku-4-5", max_tokens: 512, messages });
 * stream.on("text", (delta) => process.stdout.write(delta));
 * const message = await stream.finalMessage();
 */
export function wrapAnthropic<T extends object>(client: T, options?: WrapAnthropicOptions): T {
  return wrapper(client, options);
}

function anthropicMessages(request: JsonRecord): unknown[] {
  const messages: unknown[] = [];
  const system = request.system;
  if (typeof system === "string" || Array.isArray(system)) messages.push({ role: "system", content: system });
  if (Array.isArray(request.messages)) messages.push(...request.messages);
  return messages;
}

/** The text deltas of an Anthropic Messages stream event (also what Bedrock InvokeModel streams for Claude). */
export function anthropicDeltas(event: JsonRecord, sink: TokenSink): void {
  if (event.type !== "content_block_delta" || !isRecord(event.delta)) return;
  const delta = event.delta;
  if (delta.type === "text_delta" && typeof delta.text === "string" && delta.text.length > 0)
    sink.token(delta.text, 0, event);
}
