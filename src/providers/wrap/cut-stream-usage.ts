import type { UsageMetadata } from "../../../schemas/index.js";

/**
 * Which counts of a cut stream's usage runledger estimated, and from what: recorded on the run as
 * `extra.usage_estimate`, so readers know the figures are not the provider's.
 */
export interface UsageEstimate {
  /** One output token per text delta streamed: the rule `withBudget` counts a stream in flight by. */
  output_tokens: "streamed_tokens";
  /** The provider had not reported the prompt's tokens yet (OpenAI reports them at the end): counted as 0. */
  input_tokens?: "not_reported";
}

/**
 * The usage of a stream cut short (aborted, broken or abandoned) before the provider's final usage:
 * what the provider reported by then (Anthropic's `message_start`: the input and a first output
 * count), with its output raised to the tokens streamed, which were generated and billed. The same
 * rule as `withBudget`'s (the larger of the reported and the streamed output), so a budget's error
 * and the exported run agree. Undefined when the reported usage already covers what was streamed.
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
  const output = reported?.output_tokens ?? 0;
  if (streamed <= output) return undefined;
  if (reported === undefined) {
    const usage = { input_tokens: 0, output_tokens: streamed, total_tokens: streamed };
    return { usage, estimate: { input_tokens: "not_reported", output_tokens: "streamed_tokens" } };
  }
  const usage = { ...reported, output_tokens: streamed, total_tokens: reported.total_tokens - output + streamed };
  return { usage, estimate: { output_tokens: "streamed_tokens" } };
}
