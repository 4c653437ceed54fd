import { chatCompletionsCall } from "./chat-completions-call.js";
import { serverLocation } from "./openai-hosts.js";
import { defineClientWrapper } from "./wrap-client.js";
import type { WrapClientOptions } from "./wrap-options.js";

/** Options of `wrapGroq`. */
export type WrapGroqOptions = WrapClientOptions;

const wrapper = defineClientWrapper<WrapGroqOptions>("groq", (_options, client) => ({
  "chat.completions.create": chatCompletionsCall("groq", "ChatGroq", {
    server: serverLocation((client as { baseURL?: unknown }).baseURL),
  }),
}));

/**
 * Wraps a Groq client (the `groq-sdk` package, or anything with its shape) so that
 * `chat.completions.create`, plain and streaming, reports chat-model runs to the ambient handlers
 * (`withCallbacks`, `withUsageMetadata`) and `options.callbacks`: a start with the messages and
 * invocation params (`ls_*` metadata as LangChain's ChatGroq), one `handleLLMNewToken` per streamed
 * text delta (`fields.chunk` is the raw chunk), then an end with usage (read from `x_groq.usage` or
 * the final `usage` chunk, counted once), tool calls, finish reason and response metadata, or an error.
 * The run's metadata records the client's `server_address` / `server_port`.
 *
 * The returned client has the same type and behaves the same (the SDK's own `APIPromise` and
 * `Stream` are returned, instrumented in place). A stream the caller stops reading early ends its
 * run as an error (`StreamAbandonedError`) with the partial output. Wrapping twice is harmless.
 *
 * @example
 * import Groq from "groq-sdk";
 * const groq = wrapGroq(new Groq());
 * const { usage } = await withUsageMetadata(() =>
 *   groq.chat.completions.create({ model: "llama-3.3-70b-versatile", messages: [{ role: "user", content: "Hi" }] }),
 * );
 */
export function wrapGroq<T extends object>(client: T, options?: WrapGroqOptions): T {
  return wrapper(client, options);
}
