import { CountReader } from "../common/counts.js";
import { asRecord } from "../common/records.js";
import { buildUsage, missingUsage, type UsageOutcome } from "../wrap/usage-outcome.js";

/** Where an OpenAI-style usage record keeps its counts (Chat Completions and Responses differ). */
export interface OpenAIUsageKeys {
  input: string;
  output: string;
  inputDetails: string;
  outputDetails: string;
  /** Chat Completions reports audio tokens; Responses does not. */
  audio: boolean;
}

export const CHAT_USAGE_KEYS: OpenAIUsageKeys = {
  input: "prompt_tokens",
  output: "completion_tokens",
  inputDetails: "prompt_tokens_details",
  outputDetails: "completion_tokens_details",
  audio: true,
};

export const RESPONSES_USAGE_KEYS: OpenAIUsageKeys = {
  input: "input_tokens",
  output: "output_tokens",
  inputDetails: "input_tokens_details",
  outputDetails: "output_tokens_details",
  audio: false,
};

/** Service tiers that OpenAI prices differently, so their tokens get their own detail keys. */
const PRICED_TIERS = new Set(["priority", "flex"]);

/**
 * OpenAI's usage rule, shared by every OpenAI-compatible provider: cached and reasoning tokens are
 * subsets (never added), zero details are kept as sent. For the `priority` and `flex` tiers the cache
 * and reasoning keys get the tier prefix, and the tier key holds the rest of the input (output), so
 * a cost estimator can price each part once.
 *
 * @param emptyDetailMaps - emit `{}` detail maps when there are no details (langchain-openai does;
 *   the Groq, Fireworks and Mistral packages leave them out).
 */
export function convertOpenAIUsage(
  raw: unknown,
  path: string,
  keys: OpenAIUsageKeys,
  serviceTier: unknown,
  emptyDetailMaps: boolean,
): UsageOutcome {
  const usage = asRecord(raw);
  if (usage === undefined) return missingUsage(`${path} is ${raw === null ? "null" : "absent"}`);
  const reader = new CountReader();
  const input = reader.read(usage, keys.input, path);
  const output = reader.read(usage, keys.output, path);
  const total = reader.read(usage, "total_tokens", path);
  const inPath = `${path}.${keys.inputDetails}`;
  const outPath = `${path}.${keys.outputDetails}`;
  const inDetails = asRecord(usage[keys.inputDetails]);
  const outDetails = asRecord(usage[keys.outputDetails]);
  const cacheRead = reader.read(inDetails, "cached_tokens", inPath);
  const cacheWrite = reader.read(inDetails, "cache_write_tokens", inPath);
  const reasoning = reader.read(outDetails, "reasoning_tokens", outPath);
  const inputAudio = keys.audio ? reader.read(inDetails, "audio_tokens", inPath) : undefined;
  const outputAudio = keys.audio ? reader.read(outDetails, "audio_tokens", outPath) : undefined;
  if (reader.problems.length === 0 && input === undefined && output === undefined) {
    return missingUsage(`${path} has neither ${keys.input} nor ${keys.output}`);
  }
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  const tier = typeof serviceTier === "string" && PRICED_TIERS.has(serviceTier) ? serviceTier : undefined;
  const prefix = tier === undefined ? "" : `${tier}_`;
  const inputDetails: Record<string, number | undefined> = {
    audio: inputAudio,
    [`${prefix}cache_read`]: cacheRead,
    [`${prefix}cache_creation`]: cacheWrite,
  };
  const outputDetails: Record<string, number | undefined> = {
    audio: outputAudio,
    [`${prefix}reasoning`]: reasoning,
  };
  if (tier !== undefined) {
    inputDetails[tier] = Math.max(0, inputTokens - (cacheRead ?? 0));
    outputDetails[tier] = Math.max(0, outputTokens - (reasoning ?? 0));
  }
  return buildUsage(reader, {
    input: inputTokens,
    output: outputTokens,
    reportedTotal: total,
    // OpenRouter reports what the call cost (`usage.cost`, USD): that figure beats an estimate.
    reportedCost: usage.cost,
    inputDetails: emptyDetailMaps || hasValue(inputDetails) ? inputDetails : undefined,
    outputDetails: emptyDetailMaps || hasValue(outputDetails) ? outputDetails : undefined,
  });
}

function hasValue(details: Record<string, number | undefined>): boolean {
  for (const key in details) if (details[key] !== undefined) return true;
  return false;
}
