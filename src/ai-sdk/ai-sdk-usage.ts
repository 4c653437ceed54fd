import type { UsageMetadata } from "../../schemas/index.js";
import { CountReader } from "../providers/common/counts.js";
import { asRecord, isRecord, type JsonRecord } from "../providers/common/records.js";
import { buildUsage, missingUsage, settleUsage, type UsageOutcome } from "../providers/wrap/usage-outcome.js";

/**
 * The usage of one AI SDK model call in runledger's terms: `input_tokens` includes cache reads and
 * writes, `output_tokens` includes reasoning, and `cache_read` / `cache_creation` / `reasoning` are
 * subsets in the detail maps, counted once.
 *
 * - `LanguageModelV3` / `V4` usage (AI SDK 6 and 7) already follows that rule: `inputTokens.total`
 *   includes `cacheRead` and `cacheWrite`, `outputTokens.total` includes `reasoning`.
 * - `LanguageModelV2` usage (AI SDK 5) is flat and each provider package fills it its own way:
 *   `@ai-sdk/anthropic` leaves cache reads (`cachedInputTokens`) and writes
 *   (`providerMetadata.anthropic.cacheCreationInputTokens`) out of `inputTokens`, so they are added;
 *   `@ai-sdk/google` leaves thoughts (`reasoningTokens`) out of `outputTokens`, so they are added;
 *   OpenAI-style packages already include them.
 *
 * Counts that are not non-negative integers refuse the whole usage (with an `invalid_usage` warning).
 *
 * @example
 * aiSdkUsage({ inputTokens: { total: 120, noCache: 20, cacheRead: 100, cacheWrite: 0 },
 *   outputTokens: { total: 30, text: 20, reasoning: 10 } }, undefined, "openai.responses");
 * // { input_tokens: 120, output_tokens: 30, total_tokens: 150,
 * //   input_token_details: { cache_read: 100, cache_creation: 0 }, output_token_details: { reasoning: 10 } }
 */
export function aiSdkUsage(usage: unknown, providerMetadata: unknown, provider: string): UsageMetadata | undefined {
  return settleUsage(usageOutcome(usage, providerMetadata, provider), `AI SDK ${provider}`);
}

function usageOutcome(usage: unknown, providerMetadata: unknown, provider: string): UsageOutcome {
  const record = asRecord(usage);
  if (record === undefined) return missingUsage("the result has no usage");
  const reader = new CountReader();
  const metadata = asRecord(providerMetadata);
  return isRecord(record.inputTokens) || isRecord(record.outputTokens)
    ? nestedUsage(reader, record)
    : flatUsage(reader, record, metadata, provider);
}

// LanguageModelV3Usage / V4Usage: totals that already include their subsets.
function nestedUsage(reader: CountReader, usage: JsonRecord): UsageOutcome {
  const input = asRecord(usage.inputTokens);
  const output = asRecord(usage.outputTokens);
  const noCache = reader.read(input, "noCache", "usage.inputTokens");
  const cacheRead = reader.read(input, "cacheRead", "usage.inputTokens");
  const cacheWrite = reader.read(input, "cacheWrite", "usage.inputTokens");
  const inputTotal = reader.read(input, "total", "usage.inputTokens") ?? sumOf(noCache, cacheRead, cacheWrite);
  const text = reader.read(output, "text", "usage.outputTokens");
  const reasoning = reader.read(output, "reasoning", "usage.outputTokens");
  const outputTotal = reader.read(output, "total", "usage.outputTokens") ?? sumOf(text, reasoning);
  if (inputTotal === undefined && outputTotal === undefined) return missingUsage("the usage has no token counts");
  return buildUsage(reader, {
    input: inputTotal ?? 0,
    output: outputTotal ?? 0,
    inputDetails: detailsOf({ cache_read: cacheRead, cache_creation: cacheWrite }),
    outputDetails: detailsOf({ reasoning }),
  });
}

// LanguageModelV2Usage: flat counts whose meaning depends on the provider package.
function flatUsage(
  reader: CountReader,
  usage: JsonRecord,
  metadata: JsonRecord | undefined,
  provider: string,
): UsageOutcome {
  const inputTokens = reader.read(usage, "inputTokens", "usage");
  const outputTokens = reader.read(usage, "outputTokens", "usage");
  if (inputTokens === undefined && outputTokens === undefined) return missingUsage("the usage has no token counts");
  const openai = asRecord(metadata?.openai);
  const anthropic = asRecord(metadata?.anthropic);
  const family = provider.split(".", 1)[0] ?? provider;
  let input = inputTokens ?? 0;
  let output = outputTokens ?? 0;
  let cacheRead =
    reader.read(usage, "cachedInputTokens", "usage") ??
    reader.read(openai, "cachedPromptTokens", "providerMetadata.openai");
  const reasoning =
    reader.read(usage, "reasoningTokens", "usage") ?? reader.read(openai, "reasoningTokens", "providerMetadata.openai");
  let cacheWrite: number | undefined;
  if (family === "anthropic") {
    cacheRead ??= reader.read(anthropic, "cacheReadInputTokens", "providerMetadata.anthropic");
    cacheWrite = reader.read(anthropic, "cacheCreationInputTokens", "providerMetadata.anthropic");
    input += (cacheRead ?? 0) + (cacheWrite ?? 0);
  }
  if (family === "google") output += reasoning ?? 0;
  return buildUsage(reader, {
    input,
    output,
    inputDetails: detailsOf({ cache_read: cacheRead, cache_creation: cacheWrite }),
    outputDetails: detailsOf({ reasoning }),
  });
}

// A detail map only when the usage has one of its counts.
function detailsOf(details: Record<string, number | undefined>): Record<string, number | undefined> | undefined {
  return Object.values(details).some((count) => count !== undefined) ? details : undefined;
}

function sumOf(...counts: (number | undefined)[]): number | undefined {
  let sum: number | undefined;
  for (const count of counts) if (count !== undefined) sum = (sum ?? 0) + count;
  return sum;
}
