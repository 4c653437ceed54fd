import type { ChatCallSpec, TokenSink } from "./chat-call-spec.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import { snakeCaseKeys } from "../common/snake-case.js";
import { serverLocation, type ServerLocation } from "./openai-hosts.js";
import { abortSignalInRequestOptions } from "./request-signal.js";
import { defineClientWrapper } from "./wrap-client.js";
import type { WrapClientOptions } from "./wrap-options.js";

/** Options of `wrapCohere`. */
export type WrapCohereOptions = WrapClientOptions;

/** The Cohere SDK's default base URL (`CohereEnvironment.Production`). */
const DEFAULT_BASE_URL = "https://api.cohere.com";

// Free-form values whose keys are the caller's or the model's, not the SDK's.
const VERBATIM: ReadonlySet<string> = new Set(["arguments", "document", "parameters"]);

interface CohereClientShape {
  _options?: { baseUrl?: unknown; environment?: unknown };
  /** `CohereClientV2` keeps its v2 client here and exposes its methods at the top. */
  clientV2?: CohereClientShape;
}

function chatSpec(server: ServerLocation, streams: boolean): ChatCallSpec {
  return {
    provider: "cohere",
    runName: "ChatCohere",
    server,
    promptKeys: new Set(["messages"]),
    maxTokensKeys: ["maxTokens"],
    stopKey: "stopSequences",
    messages: (request: JsonRecord): unknown[] => (Array.isArray(request.messages) ? request.messages : []),
    // The SDK (Fern-generated) returns camelCase objects; the normalizer reads the API's snake_case.
    ...(streams
      ? { streams, event: (item: JsonRecord) => snakeCaseKeys(item, VERBATIM) as JsonRecord }
      : { response: (result: unknown): unknown => snakeCaseKeys(result, VERBATIM) }),
    textDeltas: cohereDeltas,
    abortSignal: abortSignalInRequestOptions,
  };
}

const wrapper = defineClientWrapper<WrapCohereOptions>("cohere", (_options, client) => {
  const shape = client as CohereClientShape;
  const options = shape._options ?? shape.clientV2?._options;
  const baseUrl = [options?.baseUrl, options?.environment].find((value) => typeof value === "string");
  const server = serverLocation(baseUrl ?? DEFAULT_BASE_URL);
  const plain = chatSpec(server, false);
  const stream = chatSpec(server, true);
  const calls: Record<string, ChatCallSpec> = { "v2.chat": plain, "v2.chatStream": stream };
  // `CohereClientV2`'s own `chat` / `chatStream` are v2's; `CohereClient`'s are the v1 API, left alone.
  if (shape.clientV2 !== undefined) Object.assign(calls, { chat: plain, chatStream: stream });
  return calls;
});

/**
 * Wraps a Cohere client (the `cohere-ai` package: `CohereClientV2`, or `CohereClient`'s `v2`) so
 * that the v2 `chat` and `chatStream` report chat-model runs to the ambient handlers
 * (`withCallbacks`, `withUsageMetadata`) and `options.callbacks`: a start with the messages and
 * invocation params (`ls_*` metadata as LangChain's ChatCohere, read from the SDK's `maxTokens` /
 * `stopSequences`), one `handleLLMNewToken` per `content-delta` event, then an end with usage
 * (`usage.tokens`; a stream's `billed_units`), tool calls, `finish_reason` and response metadata,
 * or an error. Responses name no model: the request's model names the run's usage. The run's
 * metadata records the client's `server_address` / `server_port`. The v1 API (`CohereClient.chat`)
 * is not instrumented.
 *
 * The returned client has the same type and behaves the same (`withRawResponse()` included). A
 * stream the caller stops reading early ends its run as an error (`StreamAbandonedError`) with the
 * partial output.
 *
 * @example
 * import { CohereClientV2 } from "cohere-ai";
 * const cohere = wrapCohere(new CohereClientV2({ token: process.env.CO_API_KEY }));
 * const response = await cohere.chat({ model: "command-a-03-2025", messages: [{ role: "user", content: "Hi" }] });
 */
export function wrapCohere<T extends object>(client: T, options?: WrapCohereOptions): T {
  return wrapper(client, options);
}

function cohereDeltas(event: JsonRecord, sink: TokenSink): void {
  if (event.type !== "content-delta" || !isRecord(event.delta)) return;
  const message = event.delta.message;
  if (!isRecord(message) || !isRecord(message.content)) return;
  const text = message.content.text;
  if (typeof text === "string" && text.length > 0) sink.token(text, 0, event);
}
