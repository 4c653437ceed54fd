/** How cache writes enter the usage when the provider also breaks them down by cache TTL. */
export interface CacheCreationSplit {
  /** The cache-write tokens to add to `input_tokens`. */
  total: number;
  /** The value of the generic `cache_creation` detail (undefined when the provider sent none). */
  detail: number | undefined;
}

/**
 * Anthropic and Bedrock report cache writes as one number and, for newer models, also split by TTL
 * (5 minutes, 1 hour), which are priced differently. When the split is non-zero it is the truth: its
 * sum counts towards the input, the ephemeral keys carry it, and the generic detail is 0 so that a
 * cost estimator pricing every detail key does not charge the same tokens twice (LangChain's rule).
 */
export function splitCacheCreation(
  generic: number | undefined,
  ttl5m: number | undefined,
  ttl1h: number | undefined,
): CacheCreationSplit {
  const ttlSum = (ttl5m ?? 0) + (ttl1h ?? 0);
  if (ttlSum > 0) return { total: ttlSum, detail: 0 };
  return { total: generic ?? 0, detail: generic };
}
