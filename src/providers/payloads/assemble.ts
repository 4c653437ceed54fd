import type { ResponseMetadata, UsageMetadata } from "../../../schemas/index.js";
import type { Extraction } from "./adapter.js";
import type { AdapterMatch } from "./detect.js";
import type { NormalizedResponse, NormalizeOptions } from "../common/types.js";
import { settleUsage, type UsageProblem } from "../wrap/usage-outcome.js";

/**
 * Turns an adapter's extraction into the public result: usage settled (with a warning when there is
 * none, or handed to `onUsageProblem` instead), `model_name` falling back to the caller's model only
 * when the payload names none.
 */
export function assemble(
  extraction: Extraction,
  match: AdapterMatch,
  options: NormalizeOptions,
  onUsageProblem?: (problem: UsageProblem) => void,
): NormalizedResponse {
  // A provider the caller named stands; a detected one may be refined by what the payload revealed.
  const provider = options.provider ?? extraction.provider ?? match.provider;
  const label = `${provider} ${match.adapter.api}`;
  const outcome = extraction.usage;
  let usage: UsageMetadata | undefined;
  if (onUsageProblem === undefined) usage = settleUsage(outcome, label);
  else if (outcome.kind === "usage") usage = outcome.usage;
  else onUsageProblem({ outcome, label });
  const response_metadata: ResponseMetadata = {
    ...extraction.metadata,
    model_name: extraction.modelName ?? options.model ?? null,
    model_provider: extraction.modelProvider,
  };
  const result: NormalizedResponse = {
    provider,
    text: extraction.text,
    tool_calls: extraction.toolCalls.tool_calls,
    invalid_tool_calls: extraction.toolCalls.invalid_tool_calls,
    response_metadata,
  };
  if (usage !== undefined) result.usage_metadata = usage;
  return result;
}
