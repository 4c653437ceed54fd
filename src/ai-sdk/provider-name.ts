import { PROVIDER_NAMES, type ProviderName } from "../providers/common/types.js";

// AI SDK provider ids (the model's `provider`, e.g. `openai.chat`, `google.vertex.chat`) by their
// leading segments, and LangChain's `ls_provider` name for the same service. The first matching prefix wins.
const BY_PREFIX: readonly (readonly [string, string])[] = [
  ["openai", "openai"],
  ["azure", "azure"],
  ["anthropic", "anthropic"],
  ["google.vertex", "google_vertexai"],
  ["google", "google_genai"],
  ["vertex", "google_vertexai"],
  ["amazon-bedrock", "amazon_bedrock"],
  ["bedrock", "amazon_bedrock"],
  ["mistral", "mistralai"],
  ["groq", "groq"],
  ["togetherai", "together"],
  ["together", "together"],
  ["fireworks", "fireworks"],
  ["cohere", "cohere"],
  ["ollama", "ollama"],
  ["deepseek", "deepseek"],
  ["xai", "xai"],
  ["openrouter", "openrouter"],
  ["perplexity", "perplexity"],
  ["cerebras", "cerebras"],
  ["deepinfra", "deepinfra"],
];

/**
 * LangChain's `ls_provider` name for an AI SDK provider id: `openai.chat` and `openai.responses` →
 * `openai`, `anthropic.messages` → `anthropic`, `google.generative-ai` → `google_genai`,
 * `google.vertex.chat` → `google_vertexai`, `amazon-bedrock` → `amazon_bedrock`, `mistral.chat` →
 * `mistralai`, `togetherai.chat` → `together`, …; an unknown id gives its first segment
 * (`mock-provider` → `mock-provider`).
 *
 * @example
 * lsProviderOf("anthropic.messages"); // "anthropic"
 */
export function lsProviderOf(provider: string): string {
  const id = provider.trim().toLowerCase();
  for (const [prefix, name] of BY_PREFIX) {
    if (id === prefix || id.startsWith(`${prefix}.`) || id.startsWith(`${prefix}-`)) return name;
  }
  return id.split(".", 1)[0] ?? id;
}

/**
 * The runledger provider whose rules apply to a run of `lsProvider` (for a name runledger has no rule
 * of its own for, `openai`: OpenAI-compatible services are by far the most common).
 *
 * @example
 * payloadProviderOf("anthropic"); // "anthropic"
 * payloadProviderOf("deepseek");  // "openai"
 */
export function payloadProviderOf(lsProvider: string): ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(lsProvider) ? (lsProvider as ProviderName) : "openai";
}
