import type { ChatCallSpec, TokenSink } from "./chat-call-spec.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import type { ProviderName } from "../common/types.js";
import { signalInRequestOptions } from "./request-signal.js";

/**
 * The call spec of a Chat Completions `create` (OpenAI's, and the SDKs that copy its request and
 * chunk shapes: Groq's, Mistral's): messages in, one text delta per choice per chunk out.
 * `overrides` adapts it to an SDK's own spelling (e.g. Mistral's `maxTokens`).
 *
 * @example
 * const GROQ_CHAT = chatCompletionsCall("groq", "ChatGroq");
 */
export function chatCompletionsCall(
  provider: ProviderName,
  runName: string,
  overrides?: Partial<ChatCallSpec>,
): ChatCallSpec {
  return {
    provider,
    runName,
    promptKeys: new Set(["messages"]),
    maxTokensKeys: ["max_tokens", "max_completion_tokens"],
    stopKey: "stop",
    messages: (request: JsonRecord): unknown[] => (Array.isArray(request.messages) ? request.messages : []),
    textDeltas: chatCompletionDeltas,
    abortSignal: signalInRequestOptions,
    ...overrides,
  };
}

function chatCompletionDeltas(chunk: JsonRecord, sink: TokenSink): void {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return;
  for (let i = 0; i < choices.length; i++) {
    const choice: unknown = choices[i];
    if (!isRecord(choice) || !isRecord(choice.delta)) continue;
    const content = choice.delta.content;
    if (typeof content === "string" && content.length > 0) sink.token(content, choiceIndex(choice.index, i), chunk);
  }
}

// The choice's own index, unless the payload's is not a usable one.
function choiceIndex(index: unknown, position: number): number {
  return typeof index === "number" && Number.isSafeInteger(index) && index >= 0 ? index : position;
}
