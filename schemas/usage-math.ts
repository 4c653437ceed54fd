import type { UsageMetadata } from "./usage.js";

// `for…in` with `hasOwnProperty.call` is a pattern V8 optimizes; `Object.hasOwn` in these loops is not.
const hasOwn = Object.prototype.hasOwnProperty;

type Counts = { [key: string]: number | Counts | undefined };

const EMPTY: Counts = {};

/**
 * Adds two usage records: every numeric key at every level is summed, detail keys that only one side
 * has are kept (LangChain.js drops unknown detail keys; we keep them). Inputs are never mutated.
 *
 * @example
 * addUsage(
 *   { input_tokens: 3, output_tokens: 2, total_tokens: 5, input_token_details: { cache_read: 1 } },
 *   { input_tokens: 4, output_tokens: 1, total_tokens: 5, input_token_details: { ephemeral_5m_input_tokens: 2 } },
 * ); // → { input_tokens: 7, output_tokens: 3, total_tokens: 10,
 *    //     input_token_details: { cache_read: 1, ephemeral_5m_input_tokens: 2 } }
 */
export function addUsage(left?: UsageMetadata, right?: UsageMetadata): UsageMetadata {
  return combine(left, right, 1);
}

/**
 * Subtracts `right` from `left` key by key at every level, flooring each count at 0. Keys that only
 * `right` has are kept at 0, as LangChain's `subtract_usage` keeps them. Inputs are never mutated.
 *
 * @example
 * subtractUsage(
 *   { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
 *   { input_tokens: 4, output_tokens: 7, total_tokens: 11 },
 * ); // → { input_tokens: 6, output_tokens: 0, total_tokens: 4 }
 */
export function subtractUsage(left?: UsageMetadata, right?: UsageMetadata): UsageMetadata {
  return combine(left, right, -1);
}

function combine(left: UsageMetadata | undefined, right: UsageMetadata | undefined, sign: 1 | -1): UsageMetadata {
  const merged = mergeCounts((left ?? EMPTY) as Counts, (right ?? EMPTY) as Counts, sign);
  // The three totals always exist in a UsageMetadata, even when both sides were undefined.
  merged.input_tokens ??= 0;
  merged.output_tokens ??= 0;
  merged.total_tokens ??= 0;
  return merged as unknown as UsageMetadata;
}

// for…in over own keys avoids building key arrays per call (this runs once per model run on the
// caller's path); a `__proto__` key from hostile JSON is skipped, it would replace the prototype.
function mergeCounts(left: Counts, right: Counts, sign: 1 | -1): Counts {
  const out: Counts = {};
  for (const key in left) {
    if (hasOwn.call(left, key) && key !== "__proto__") out[key] = mergeValue(left[key], right[key], sign);
  }
  for (const key in right) {
    if (hasOwn.call(right, key) && key !== "__proto__" && !hasOwn.call(out, key))
      out[key] = mergeValue(undefined, right[key], sign);
  }
  return out;
}

function mergeValue(a: Counts[string], b: Counts[string], sign: 1 | -1): Counts[string] {
  if (isCounts(a) || isCounts(b)) {
    return mergeCounts(isCounts(a) ? a : EMPTY, isCounts(b) ? b : EMPTY, sign);
  }
  const x = typeof a === "number" ? a : 0;
  const y = typeof b === "number" ? b : 0;
  return sign === 1 ? x + y : Math.max(0, x - y);
}

function isCounts(value: Counts[string]): value is Counts {
  return typeof value === "object" && value !== null;
}
