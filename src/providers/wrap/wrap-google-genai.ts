import { joinSignals } from "../../../callbacks/budget-context.js";
import type { ChatCallSpec, TokenSink } from "./chat-call-spec.js";
import { isRecord, omitKeys, type JsonRecord } from "../common/records.js";
import { serverLocation, type ServerLocation } from "./openai-hosts.js";
import { defineClientWrapper } from "./wrap-client.js";
import type { WrapClientOptions } from "./wrap-options.js";

/** Options of `wrapGoogleGenAI`. */
export type WrapGoogleGenAIOptions = WrapClientOptions;

type GeminiProvider = "google_genai" | "google_vertexai";

// `config` members that steer the SDK's transport, not the model: no invocation parameters.
const TRANSPORT_KEYS: ReadonlySet<string> = new Set(["abortSignal", "httpOptions"]);

interface GoogleGenAIShape {
  /** True for a Vertex AI client (`new GoogleGenAI({ vertexai: true, … })`). */
  vertexai?: unknown;
  apiClient?: { getBaseUrl?(): unknown };
}

function geminiSpec(provider: GeminiProvider, server: ServerLocation, streams: boolean): ChatCallSpec {
  return {
    provider,
    runName: provider === "google_vertexai" ? "ChatVertexAI" : "ChatGoogleGenerativeAI",
    server,
    promptKeys: new Set(["contents", "systemInstruction"]),
    maxTokensKeys: ["maxOutputTokens"],
    stopKey: "stopSequences",
    view: geminiView,
    streams,
    messages: geminiMessages,
    textDeltas: geminiDeltas,
    abortSignal: geminiSignal,
  };
}

const wrapper = defineClientWrapper<WrapGoogleGenAIOptions>("google-genai", (_options, client) => {
  const shape = client as GoogleGenAIShape;
  const provider: GeminiProvider = shape.vertexai === true ? "google_vertexai" : "google_genai";
  const server = serverLocation(shape.apiClient?.getBaseUrl?.());
  return {
    "models.generateContent": geminiSpec(provider, server, false),
    "models.generateContentStream": geminiSpec(provider, server, true),
  };
});

/**
 * Wraps a Google Gen AI client (the `@google/genai` package, or anything with its shape) so that
 * `models.generateContent` and `models.generateContentStream` report chat-model runs to the ambient
 * handlers (`withCallbacks`, `withUsageMetadata`) and `options.callbacks`. The provider is the
 * client's mode: `google_genai` for the Gemini API, `google_vertexai` for a `vertexai: true` client
 * (runs named as LangChain's ChatGoogleGenerativeAI / ChatVertexAI). A start with the contents (the
 * `systemInstruction` first, as a system message) and the `config` as invocation params
 * (`ls_temperature`, `ls_max_tokens` from `maxOutputTokens`, `ls_stop` from `stopSequences`), one
 * `handleLLMNewToken` per streamed text part (thought summaries excluded; `fields.chunk` is the
 * SDK's chunk), then an end with usage (the last cumulative count of a stream; thoughts in the
 * output, cached content in the input), function calls as tool calls, `finish_reason` and response
 * metadata, or an error. The run's metadata records the client's `server_address` / `server_port`.
 *
 * The returned client has the same type and behaves the same. A stream the caller stops reading
 * early ends its run as an error (`StreamAbandonedError`) with the partial output.
 *
 * @example
 * import { GoogleGenAI } from "@google/genai";
 * const ai = wrapGoogleGenAI(new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY }));
 * const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
 */
export function wrapGoogleGenAI<T extends object>(client: T, options?: WrapGoogleGenAIOptions): T {
  return wrapper(client, options);
}

// The SDK takes a call's signal in its params: `config.abortSignal` (joined there with its own timeout).
function geminiSignal(args: unknown[], signal: AbortSignal): void {
  const params = isRecord(args[0]) ? args[0] : {};
  const config = isRecord(params.config) ? params.config : {};
  args[0] = { ...params, config: { ...config, abortSignal: joinSignals(config.abortSignal, signal) } };
}

/** `{ model, contents, config }` → the model, the config's parameters and the prompt at the top. */
function geminiView(request: JsonRecord): JsonRecord {
  const config = isRecord(request.config) ? omitKeys(request.config, TRANSPORT_KEYS) : {};
  return { model: request.model, ...config, contents: request.contents };
}

function geminiMessages(request: JsonRecord): unknown[] {
  const messages: unknown[] = [];
  const system = request.systemInstruction;
  if (system !== undefined) messages.push({ role: "system", content: system });
  const contents = request.contents;
  if (typeof contents === "string") messages.push({ role: "user", content: contents });
  else if (Array.isArray(contents)) messages.push(...contents);
  else if (contents !== undefined) messages.push(contents);
  return messages;
}

function geminiDeltas(chunk: JsonRecord, sink: TokenSink): void {
  const candidates = chunk.candidates;
  if (!Array.isArray(candidates)) return;
  for (let i = 0; i < candidates.length; i++) {
    const candidate: unknown = candidates[i];
    if (!isRecord(candidate) || !isRecord(candidate.content) || !Array.isArray(candidate.content.parts)) continue;
    const index = typeof candidate.index === "number" && Number.isSafeInteger(candidate.index) ? candidate.index : i;
    for (const part of candidate.content.parts as unknown[]) {
      if (!isRecord(part) || part.thought === true) continue;
      if (typeof part.text === "string" && part.text.length > 0) sink.token(part.text, Math.max(index, 0), chunk);
    }
  }
}
