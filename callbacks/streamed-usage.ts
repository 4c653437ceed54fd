import type { LLMResult, UsageMetadata } from "../schemas/index.js";
import { usageFromOutput, type ModelUsage } from "./usage-from-output.js";

/**
 * Which counts of a cut stream's usage runledger estimated, and from what: recorded on the run as
 * `extra.usage_estimate`, so readers know the figures are not the provider's.
 */
export interface UsageEstimate {
  /** One output token per new-token event streamed: the rule `withBudget` counts a stream in flight by. */
  output_tokens: "streamed_tokens";
  /** The provider had not reported the prompt's tokens yet (OpenAI reports them at the end): counted as 0. */
  input_tokens?: "not_reported";
}

/**
 * The tokens a run streamed beyond the output its reported usage counts, as one more usage record:
 * a stream cut short (aborted, broken) reports the output count of its start (Anthropic's
 * `message_start`) or nothing, yet every token streamed was generated and billed. One output token
 * per new-token event, the prompt counted as 0 when nothing was reported. `withBudget` and the
 * `RunTracer` both complete an errored run's usage with it, so a budget's error and the exported run
 * agree. Undefined when the reported output already covers what was streamed (no usage is invented).
 *
 * @example
 * streamedRemainder([], 21, "gpt-4o-mini");
 * // → { record: { model: "gpt-4o-mini", usage: { input_tokens: 0, output_tokens: 21, total_tokens: 21 } },
 * //     estimate: { input_tokens: "not_reported", output_tokens: "streamed_tokens" } }
 */
export function streamedRemainder(
  reported: readonly ModelUsage[],
  streamed: number,
  model: string | undefined,
): { record: ModelUsage; estimate: UsageEstimate } | undefined {
  let output = 0;
  for (const { usage } of reported) output += usage.output_tokens;
  const unreported = streamed - output;
  if (unreported <= 0) return undefined;
  const usage: UsageMetadata = { input_tokens: 0, output_tokens: unreported, total_tokens: unreported };
  const first = reported[0];
  const record: ModelUsage = { model: first?.model ?? model, usage };
  const estimate: UsageEstimate =
    first === undefined
      ? { input_tokens: "not_reported", output_tokens: "streamed_tokens" }
      : { output_tokens: "streamed_tokens" };
  return { record, estimate };
}

/**
 * The usage records of a model call that failed, by one rule for every handler that reports it
 * (RunTracer, the usage handler, the OpenTelemetry handler), so they agree with each other and with
 * `withBudget`: the partial result's usage (a wrapper's cut stream, or LangChain's, passes it as
 * `extraParams.response`), else what streamed chunks reported, completed by the tokens streamed past
 * it (`streamedRemainder`; `estimate` says which counts were estimated). Nothing reported or
 * streamed: no records, no usage invented.
 *
 * @example
 * erroredRunUsage(undefined, undefined, 21, "gpt-4o-mini");
 * // → { records: [{ model: "gpt-4o-mini", usage: { input_tokens: 0, output_tokens: 21, total_tokens: 21 } }],
 * //     estimate: { input_tokens: "not_reported", output_tokens: "streamed_tokens" } }
 */
export function erroredRunUsage(
  extraParams: Readonly<Record<string, unknown>> | undefined,
  streamed: readonly ModelUsage[] | undefined,
  streamedTokens: number,
  model: string | undefined,
): { records: readonly ModelUsage[]; estimate: UsageEstimate | undefined } {
  // Untrusted: usageFromOutput validates it.
  const partial = usageFromOutput(extraParams?.response as LLMResult | undefined);
  const reported = partial.length > 0 ? partial : (streamed ?? []);
  const rest = streamedRemainder(reported, streamedTokens, model);
  return rest === undefined
    ? { records: reported, estimate: undefined }
    : { records: [...reported, rest.record], estimate: rest.estimate };
}
