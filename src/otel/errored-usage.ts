import type { UsageEstimate } from "../../callbacks/streamed-usage.js";
import { streamedRemainder } from "../../callbacks/streamed-usage.js";
import { usageFromOutput, type ModelUsage } from "../../callbacks/usage-from-output.js";
import type { LLMResult } from "../../schemas/index.js";

/**
 * The usage records of a model call that failed, by the `RunTracer`'s rule, so the errored span and
 * the exported run agree: the partial result's usage (a wrapper's cut stream passes it as
 * `extraParams.response`, its estimate as `extraParams.usage_estimate`), else what streamed chunks
 * reported, completed by the tokens streamed past it (`streamedRemainder`, marked as an estimate).
 * No records when nothing was reported or streamed: no usage is invented.
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
  // Untrusted: usageFromOutput validates it.
  const partial = usageFromOutput(extraParams?.response as LLMResult | undefined);
  const reported = partial.length > 0 ? partial : (streamed ?? []);
  const rest = streamedRemainder(reported, streamedTokens, model);
  if (rest !== undefined) return { records: [...reported, rest.record], estimate: rest.estimate };
  return { records: reported, estimate: usageEstimateOf(extraParams?.usage_estimate) };
}

// A producer's `extraParams.usage_estimate` (a wrapper's cut stream), read field by field: only the
// values `UsageEstimate` allows are kept.
function usageEstimateOf(value: unknown): UsageEstimate | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { input_tokens: input, output_tokens: output } = value as Record<string, unknown>;
  if (output !== "streamed_tokens") return undefined;
  return input === "not_reported" ? { input_tokens: input, output_tokens: output } : { output_tokens: output };
}
