import type { InputTokenDetails } from "./usage.js";

/**
 * The input tokens written to a prompt cache. Anthropic's TTL breakdown moves the writes to
 * `ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens` and leaves `cache_creation` 0 (or their
 * sum): both describe the same writes, so they count once, as the larger of the two.
 *
 * @example
 * cacheWriteTokens({ cache_creation: 0, ephemeral_5m_input_tokens: 500 }); // 500
 * cacheWriteTokens({ cache_creation: 300 }); // 300
 */
export function cacheWriteTokens(details: InputTokenDetails | undefined): number {
  if (details === undefined) return 0;
  const ttl = (details.ephemeral_5m_input_tokens ?? 0) + (details.ephemeral_1h_input_tokens ?? 0);
  return Math.max(details.cache_creation ?? 0, ttl);
}

/** True when the details say anything about cache writes (a 0 included). */
export function hasCacheWrites(details: InputTokenDetails | undefined): boolean {
  return (
    details !== undefined &&
    (details.cache_creation !== undefined ||
      details.ephemeral_5m_input_tokens !== undefined ||
      details.ephemeral_1h_input_tokens !== undefined)
  );
}
