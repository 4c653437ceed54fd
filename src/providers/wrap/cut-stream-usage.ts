import { addUsage, type UsageMetadata } from "../../../schemas/index.js";
import { streamedRemainder, type UsageEstimate } from "../../../callbacks/streamed-usage.js";

/**
 * The usage of a stream cut short (aborted, broken or abandoned) before the provider's final usage:
 * what the provider reported by then (Anthropic's `message_start`: the input and a first output
 * count), with its output raised to the tokens streamed, which were generated and billed. The rule
 * of `streamedRemainder`, which `withBudget` and the `RunTracer` apply too, so a budget's error and
 * the exported run agree. Undefined when the reported usage already covers what was streamed.
 *
 * @example
 * cutStreamUsage(undefined, 21);
 * // → { usage: { input_tokens: 0, output_tokens: 21, total_tokens: 21 },
 * //     estimate: { input_tokens: "not_reported", output_tokens: "streamed_tokens" } }
 */
export function cutStreamUsage(
  reported: UsageMetadata | undefined,
  streamed: number,
): { usage: UsageMetadata; estimate: UsageEstimate } | undefined {
  const rest = streamedRemainder(reported === undefined ? [] : [{ usage: reported }], streamed, undefined);
  if (rest === undefined) return undefined;
  const usage = reported === undefined ? rest.record.usage : addUsage(reported, rest.record.usage);
  return { usage, estimate: rest.estimate };
}
