import { chatCompletionsCall } from "./chat-completions-call.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import { snakeCaseKeys } from "../common/snake-case.js";
import { serverLocation } from "./openai-hosts.js";
import { fetchSignalInRequestOptions } from "./request-signal.js";
import { defineClientWrapper } from "./wrap-client.js";
import type { WrapClientOptions } from "./wrap-options.js";

/** Options of `wrapMistral`. */
export type WrapMistralOptions = WrapClientOptions;

// Tool-call arguments may be an object whose keys are the model's, not the SDK's.
const VERBATIM: ReadonlySet<string> = new Set(["arguments"]);

// The SDK (Speakeasy-generated) returns camelCase objects; the normalizer reads the API's snake_case.
const CHAT_OPTIONS = { maxTokensKeys: ["maxTokens"], stopKey: "stop" };

interface MistralClientShape {
  _baseURL?: unknown;
  _options?: { timeoutMs?: unknown };
}

const wrapper = defineClientWrapper<WrapMistralOptions>("mistral", (_options, client) => {
  const shape = client as MistralClientShape;
  const common = {
    ...CHAT_OPTIONS,
    server: serverLocation(shape._baseURL),
    abortSignal: (args: unknown[], signal: AbortSignal): void =>
      fetchSignalInRequestOptions(args, signal, shape._options?.timeoutMs),
  };
  return {
    "chat.complete": chatCompletionsCall("mistralai", "ChatMistralAI", {
      ...common,
      response: (result: unknown): unknown => snakeCaseKeys(result, VERBATIM),
    }),
    "chat.stream": chatCompletionsCall("mistralai", "ChatMistralAI", {
      ...common,
      streams: true,
      // Each item is one server-sent event, `{ data: CompletionChunk }`.
      event: (item: JsonRecord): JsonRecord | undefined =>
        isRecord(item.data) ? (snakeCaseKeys(item.data, VERBATIM) as JsonRecord) : undefined,
    }),
  };
});

/**
 * Wraps a Mistral client (the `@mistralai/mistralai` package, or anything with its shape) so that
 * `chat.complete` and `chat.stream` report chat-model runs to the ambient handlers (`withCallbacks`,
 * `withUsageMetadata`) and `options.callbacks`: a start with the messages and invocation params
 * (`ls_*` metadata as LangChain's ChatMistralAI, read from the SDK's `maxTokens` / `stop`), one
 * `handleLLMNewToken` per streamed text delta (`fields.chunk` is the chunk in the API's spelling),
 * then an end with usage, tool calls, finish reason and response metadata, or an error. The run's
 * metadata records the client's `server_address` / `server_port`.
 *
 * The returned client has the same type and behaves the same: the SDK's own event stream is
 * returned, instrumented in place. A stream the caller stops reading early ends its run as an error
 * (`StreamAbandonedError`) with the partial output.
 *
 * @example
 * import { Mistral } from "@mistralai/mistralai";
 * const mistral = wrapMistral(new Mistral({ apiKey: process.env.MISTRAL_API_KEY }));
 * const stream = await mistral.chat.stream({ model: "mistral-small-latest", messages: [{ role: "user", content: "Hi" }] });
 * for await (const event of stream) process.stdout.write(String(event.data.choices[0]?.delta.content ?? ""));
 */
export function wrapMistral<T extends object>(client: T, options?: WrapMistralOptions): T {
  return wrapper(client, options);
}
