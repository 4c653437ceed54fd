import type { UsageMetadata } from "../../../schemas/index.js";
import { isTokenCount } from "../../../schemas/usage-parse.js";
import { emitWarning } from "../../../callbacks/warnings.js";
import type { CountReader } from "../common/counts.js";

/** What a provider's usage record converted to: usage, nothing to convert, or counts that were refused. */
export type UsageOutcome =
  | { kind: "usage"; usage: UsageMetadata }
  | { kind: "missing"; reason: string }
  | { kind: "invalid"; problems: string[] };

/** The parts of a usage record once a provider's rule has been applied. */
export interface UsageParts {
  input: number;
  output: number;
  /** The provider's own total, when it reports one. */
  reportedTotal?: number;
  /** The call's cost in USD as the provider reports it (OpenRouter's `usage.cost`): kept as `total_cost`. */
  reportedCost?: unknown;
  /** Detail maps: undefined leaves the map out, `{}` keeps an empty one (LangChain's OpenAI shape). */
  inputDetails?: Record<string, number | undefined>;
  outputDetails?: Record<string, number | undefined>;
}

export function missingUsage(reason: string): UsageOutcome {
  return { kind: "missing", reason };
}

/**
 * Builds the usage from `parts`, unless `reader` recorded a bad count: then the whole usage is
 * refused, because a partly read record would report wrong totals. `total_tokens` is the provider's
 * total when it gives one (a zero total next to non-zero counts is no total), else input + output.
 */
export function buildUsage(reader: CountReader, parts: UsageParts): UsageOutcome {
  if (reader.problems.length > 0) return { kind: "invalid", problems: [...reader.problems] };
  const sum = parts.input + parts.output;
  const reported = parts.reportedTotal;
  const total = reported !== undefined && !(reported === 0 && sum > 0) ? reported : sum;
  if (!isTokenCount(parts.input) || !isTokenCount(parts.output) || !isTokenCount(total)) {
    return { kind: "invalid", problems: [`token counts overflow: input ${parts.input}, output ${parts.output}`] };
  }
  const usage: UsageMetadata = { input_tokens: parts.input, output_tokens: parts.output, total_tokens: total };
  if (parts.inputDetails) usage.input_token_details = compact(parts.inputDetails);
  if (parts.outputDetails) usage.output_token_details = compact(parts.outputDetails);
  const cost = parts.reportedCost;
  if (typeof cost === "number" && cost >= 0 && Number.isFinite(cost)) usage.total_cost = cost;
  return { kind: "usage", usage };
}

/**
 * Turns an outcome into the `usage_metadata` of a result, recording a warning when there is none:
 * `missing_usage` when the payload had no counts, `invalid_usage` (naming each field and value) when
 * they were refused. `label` names the provider and API in the message.
 */
export function settleUsage(outcome: UsageOutcome, label: string): UsageMetadata | undefined {
  if (outcome.kind === "usage") return outcome.usage;
  reportUsageProblem({ outcome, label }, "usage_metadata left undefined");
  return undefined;
}

/** Why a result has no usage: the outcome that was not usage, and the label of its payload. */
export interface UsageProblem {
  outcome: Exclude<UsageOutcome, { kind: "usage" }>;
  label: string;
}

/**
 * Records the warning of a result without usage, ending with what became of the usage
 * (`consequence`): left undefined, or estimated from the tokens a cut stream streamed.
 *
 * @example
 * reportUsageProblem(problem, "usage estimated from 21 streamed tokens (extra.usage_estimate)");
 */
export function reportUsageProblem({ outcome, label }: UsageProblem, consequence: string): void {
  if (outcome.kind === "missing") {
    emitWarning("missing_usage", `${label}: no token usage in the payload (${outcome.reason}); ${consequence}`);
    return;
  }
  emitWarning(
    "invalid_usage",
    `${label}: rejected token usage: ${outcome.problems.join("; ")}; ${consequence}`,
    outcome.problems,
  );
}

function compact(details: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(details)) {
    const value = details[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
