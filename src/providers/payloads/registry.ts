import type { ApiAdapter } from "./adapter.js";
import { anthropicMessagesAdapter } from "./anthropic.js";
import { bedrockConverseAdapter } from "./bedrock-converse.js";
import { bedrockInvokeAdapter } from "./bedrock-invoke.js";
import { cohereAdapter } from "./cohere.js";
import { FIREWORKS_CHAT_PROFILE } from "./fireworks.js";
import { geminiAdapter } from "./gemini.js";
import { GROQ_CHAT_PROFILE, GROQ_RESPONSES_PROFILE } from "./groq.js";
import { MISTRAL_CHAT_PROFILE } from "./mistral.js";
import { ollamaAdapter } from "./ollama.js";
import { chatCompletionsAdapter, OPENAI_CHAT_PROFILE } from "./openai-chat.js";
import { responsesAdapter } from "./openai-responses.js";
import { TOGETHER_CHAT_PROFILE } from "./together.js";
import { PROVIDER_NAMES, type ProviderName } from "../common/types.js";
import { RunledgerError } from "../../../callbacks/runledger-error.js";

/** The API formats each provider speaks, in the order their shapes are tried. */
export const ADAPTERS: Readonly<Record<ProviderName, readonly ApiAdapter[]>> = {
  openai: [
    chatCompletionsAdapter(OPENAI_CHAT_PROFILE),
    responsesAdapter({ provider: "openai", modelProvider: "openai", emptyDetailMaps: true }),
  ],
  anthropic: [anthropicMessagesAdapter],
  google_genai: [geminiAdapter("google_genai")],
  google_vertexai: [geminiAdapter("google_vertexai")],
  amazon_bedrock: [bedrockConverseAdapter, bedrockInvokeAdapter],
  mistralai: [chatCompletionsAdapter(MISTRAL_CHAT_PROFILE)],
  groq: [chatCompletionsAdapter(GROQ_CHAT_PROFILE), responsesAdapter(GROQ_RESPONSES_PROFILE)],
  fireworks: [chatCompletionsAdapter(FIREWORKS_CHAT_PROFILE)],
  together: [chatCompletionsAdapter(TOGETHER_CHAT_PROFILE)],
  ollama: [ollamaAdapter],
  cohere: [cohereAdapter],
};

/** Names people reach for that are not LangChain's `ls_provider` names. */
const SUGGESTIONS: Readonly<Record<string, ProviderName>> = {
  bedrock: "amazon_bedrock",
  aws: "amazon_bedrock",
  mistral: "mistralai",
  google: "google_genai",
  gemini: "google_genai",
  vertexai: "google_vertexai",
};

/** Checks a caller-given provider name; a wrong one is a programming error, reported at once. */
export function resolveProvider(name: unknown): ProviderName | undefined {
  if (name === undefined) return undefined;
  if (typeof name === "string" && (PROVIDER_NAMES as readonly string[]).includes(name)) return name as ProviderName;
  const suggestion = typeof name === "string" ? SUGGESTIONS[name.toLowerCase()] : undefined;
  throw new RunledgerError(
    "invalid_argument",
    `unknown provider ${JSON.stringify(name)}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; ` +
      `expected one of ${PROVIDER_NAMES.join(", ")}`,
  );
}

/** The response (or chunk) shapes accepted for `provider`, or for every provider. */
export function expectedShapes(provider: ProviderName | undefined, kind: "response" | "chunk"): string[] {
  const adapters = provider === undefined ? Object.values(ADAPTERS).flat() : ADAPTERS[provider];
  const shapes = adapters.map((adapter) => (kind === "response" ? adapter.responseShape : adapter.chunkShape));
  return [...new Set(shapes)];
}
