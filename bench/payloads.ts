// The data every benchmark feeds to both sides: a streamed OpenAI-style chat-model call as LangChain.js
// reports it (serialized model, messages, invocation params, one chunk per token, an LLMResult with
// usage). Plain objects, built fresh where a real application would build them fresh (per call).
import { AIMessageChunk } from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import type { LLMResult, UsageMetadata } from "../schemas/index.js";

/** Tokens streamed per run in the run-level benchmarks. */
export const TOKENS_PER_RUN = 20;

export const MODEL = "gpt-4o-mini";
export const RESPONSE_MODEL = "gpt-4o-mini-2024-07-18";

/** The serialized chat model, as LangChain.js passes it to handleChatModelStart. */
export const SERIALIZED = {
  lc: 1,
  type: "not_implemented" as const,
  id: ["langchain", "chat_models", "openai", "ChatOpenAI"],
};

/** Invocation params (extraParams) of the call. */
export const EXTRA_PARAMS = { invocation_params: { model: MODEL, temperature: 0.2, max_tokens: 256, stream: true } };

/** Run metadata, as LangChain.js's chat models set it. */
export const METADATA = { ls_provider: "openai", ls_model_type: "chat", ls_model_name: MODEL, ls_temperature: 0.2 };

/** The usage of one run; `seed` makes runs distinguishable (throughput checks exact totals with it). */
export function usageOf(seed = 0): UsageMetadata {
  return {
    input_tokens: 12 + seed,
    output_tokens: TOKENS_PER_RUN,
    total_tokens: 12 + seed + TOKENS_PER_RUN,
    input_token_details: { cache_read: 0 },
    output_token_details: { reasoning: 0 },
  };
}

/** The messages of one call (one prompt of two messages). */
export function messagesOf(seed = 0): { role: string; content: string }[][] {
  return [
    [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: `Question ${seed}: what is the capital of France?` },
    ],
  ];
}

/** The streamed chunks of one call: LangChain generation chunks, one per token. */
export const CHUNKS: readonly { text: string; message: { content: string } }[] = Array.from(
  { length: TOKENS_PER_RUN },
  (_, i) => ({
    text: ` t${i}`,
    message: { content: ` t${i}` },
  }),
);

/**
 * A streamed chunk as LangChain.js chat models pass it with each token (`fields.chunk`): a
 * ChatGenerationChunk holding an AIMessageChunk. Fresh per token, as a provider stream makes them.
 */
export function langchainChunkOf(text: string): ChatGenerationChunk {
  return new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
}

/** The end event's LLMResult: the full text, usage and response metadata. */
export function resultOf(seed = 0): LLMResult {
  const text = CHUNKS.map((chunk) => chunk.text).join("");
  return {
    generations: [
      [
        {
          text,
          message: {
            content: text,
            usage_metadata: usageOf(seed),
            response_metadata: { model_name: RESPONSE_MODEL, finish_reason: "stop", id: `chatcmpl-${seed}` },
          },
        },
      ],
    ],
  };
}

/** `count` fresh (messages, result) pairs, built outside the timed region. */
export function callsOf(
  count: number,
  firstSeed = 0,
): { messages: ReturnType<typeof messagesOf>; result: LLMResult }[] {
  return Array.from({ length: count }, (_, i) => ({
    messages: messagesOf(firstSeed + i),
    result: resultOf(firstSeed + i),
  }));
}
