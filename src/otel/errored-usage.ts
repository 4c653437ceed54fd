import { erroredRunUsage, type UsageEstimate } from "../../callbacks/streamed-usage.js";
import type { ModelUsage } from "../../callbacks/usage-from-output.js";

/**
 * The usage records of a model call that failed (`erroredRunUsage`, the `RunTracer`'s rule, so the
 * errored span and the exported run agree), with the estimate marker: the remainder's, else the one
 * a wrapper's cut stream passes as `extraParams.usage_estimate`.
 *
 * @example
 * erroredUsage(undefined, undefined, 21, "gpt-4o-mini");
 * // → { records: [{ model: "gpt-4o-mini", usage: { input_tokens: 0, output_tokens: 21, total_tokens: 21 } }],
 * //     estimate: { input_tokens: "not_reported", output_tokens: "streamed_tokens" } }
 */
export function erroredUsage(
  extraParams: Readonly<Record<string, unknown>> | undefined,
  streamed: readonly ModelUsage[] | undefined,
  streamedTokens: number,
  model: string | undefined,
): { records: readonly ModelUsage[]; estimate: UsageEstimate | undefined } {
  const { records, estimate } = erroredRunUsage(extraParams, streamed, streamedTokens, model);
  // A wrapper's cut stream carries its own estimate beside its partial result.
  return { records, estimate: estimate ?? usageEstimateOf(extraParams?.usage_estimate) };
}

// A producer's `extraParams.usage_estimate` (a wrapper's cut stream), read field by field: only the
// values `UsageEstimate` allows are kept.
function usageEstimateOf(value: unknown): UsageEstimate | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { input_tokens: input, output_tokens: output } = value as Record<string, unknown>;
  if (output !== "streamed_tokens") return undefined;
  return input === "not_reported" ? { input_tokens: input, output_tokens: output } : { output_tokens: output };
}
