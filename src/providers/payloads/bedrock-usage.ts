import { splitCacheCreation } from "./cache-ttl.js";
import { CountReader } from "../common/counts.js";
import { asRecord, isRecord, itemsOf } from "../common/records.js";
import { buildUsage, missingUsage, type UsageOutcome } from "../wrap/usage-outcome.js";

/** Bedrock's counts, whichever of its three carriers (Converse usage, stream metrics, headers) they came in. */
interface BedrockCounts {
  input: number | undefined;
  output: number | undefined;
  total?: number | undefined;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  ttl5m?: number | undefined;
  ttl1h?: number | undefined;
}

/**
 * Bedrock's rule, the same for every carrier: its input count excludes the cache, so cache reads and
 * writes are added to it; cache_read and cache_creation are always reported (0 when absent); a TTL
 * split of the writes works as in Anthropic's usage.
 */
function bedrockUsage(reader: CountReader, counts: BedrockCounts, what: string): UsageOutcome {
  if (reader.problems.length === 0 && counts.input === undefined && counts.output === undefined) {
    return missingUsage(`${what} has no input or output token count`);
  }
  const creation = splitCacheCreation(counts.cacheWrite, counts.ttl5m, counts.ttl1h);
  const inputDetails: Record<string, number | undefined> = {
    cache_read: counts.cacheRead ?? 0,
    cache_creation: creation.detail ?? 0,
    ephemeral_5m_input_tokens: counts.ttl5m,
    ephemeral_1h_input_tokens: counts.ttl1h,
  };
  return buildUsage(reader, {
    input: (counts.input ?? 0) + (counts.cacheRead ?? 0) + creation.total,
    output: counts.output ?? 0,
    reportedTotal: counts.total,
    inputDetails,
  });
}

/** Converse / ConverseStream `usage`: inputTokens, outputTokens, totalTokens, cache counts, cacheDetails. */
export function converseUsage(raw: unknown, path: string): UsageOutcome {
  const usage = asRecord(raw);
  if (usage === undefined) return missingUsage(`${path} is ${raw === null ? "null" : "absent"}`);
  const reader = new CountReader();
  const counts: BedrockCounts = {
    input: reader.read(usage, "inputTokens", path),
    output: reader.read(usage, "outputTokens", path),
    total: reader.read(usage, "totalTokens", path),
    cacheRead: reader.read(usage, "cacheReadInputTokens", path),
    cacheWrite: reader.read(usage, "cacheWriteInputTokens", path),
  };
  const details = itemsOf(usage.cacheDetails);
  for (let i = 0; i < details.length; i++) {
    const detail = details[i];
    if (!isRecord(detail)) continue;
    const tokens = reader.read(detail, "inputTokens", `${path}.cacheDetails[${i}]`);
    if (detail.ttl === "5m") counts.ttl5m = (counts.ttl5m ?? 0) + (tokens ?? 0);
    else if (detail.ttl === "1h") counts.ttl1h = (counts.ttl1h ?? 0) + (tokens ?? 0);
  }
  return bedrockUsage(reader, counts, path);
}

/** The `amazon-bedrock-invocationMetrics` object on the last event of an InvokeModel stream. */
export function invocationMetricsUsage(raw: unknown, path: string): UsageOutcome {
  const metrics = asRecord(raw);
  if (metrics === undefined) return missingUsage(`${path} is not an object`);
  const reader = new CountReader();
  return bedrockUsage(
    reader,
    {
      input: reader.read(metrics, "inputTokenCount", path),
      output: reader.read(metrics, "outputTokenCount", path),
      cacheRead: reader.read(metrics, "cacheReadInputTokenCount", path),
      cacheWrite: reader.read(metrics, "cacheWriteInputTokenCount", path),
    },
    path,
  );
}

/** The `x-amzn-bedrock-*-token-count` headers of an InvokeModel response (names lowercased). */
export function headerUsage(headers: Readonly<Record<string, unknown>>): UsageOutcome {
  const reader = new CountReader();
  const header = (name: string): number | undefined => reader.readHeader(headers[name], name);
  return bedrockUsage(
    reader,
    {
      input: header("x-amzn-bedrock-input-token-count"),
      output: header("x-amzn-bedrock-output-token-count"),
      cacheRead: header("x-amzn-bedrock-cache-read-input-token-count"),
      cacheWrite: header("x-amzn-bedrock-cache-write-input-token-count"),
    },
    "the x-amzn-bedrock-*-token-count headers",
  );
}
