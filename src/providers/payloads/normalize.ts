import { assemble } from "./assemble.js";
import { findResponseAdapter } from "./detect.js";
import { ProviderPayloadError } from "../common/errors.js";
import { describeValue, isRecord } from "../common/records.js";
import { expectedShapes, resolveProvider } from "./registry.js";
import type { NormalizedResponse, NormalizeOptions } from "../common/types.js";

/**
 * Normalizes one raw provider response (the parsed JSON body, or the SDK's return value) into
 * LangChain's terms: `usage_metadata` by the provider's conversion rule, and the `response_metadata`
 * keys LangChain keeps for that provider plus `model_name` and `model_provider`. The provider and
 * its API variant are detected from the payload's shape unless `options.provider` names it.
 *
 * Missing or invalid token counts never throw: `usage_metadata` is left undefined and a warning is
 * recorded (see `onWarning`), the rest of the result is kept.
 *
 * @throws ProviderPayloadError when `raw` is not an object or has no known shape.
 * @example
 * const { provider, usage_metadata, response_metadata } = normalizeResponse(await openai.chat.completions.create(req));
 * // provider "openai"; usage_metadata { input_tokens, output_tokens, total_tokens, input_token_details, … }
 * // response_metadata { model_name: "gpt-4o-mini-2024-07-18", model_provider: "openai", finish_reason: "stop", … }
 */
export function normalizeResponse(raw: unknown, options: NormalizeOptions = {}): NormalizedResponse {
  const requested = resolveProvider(options.provider);
  if (!isRecord(raw)) {
    const hint = Array.isArray(raw) ? " (a list of stream chunks belongs in a StreamAccumulator)" : "";
    throw new ProviderPayloadError(
      `normalizeResponse: expected a provider response object, got ${describeValue(raw)}${hint}`,
      expectedShapes(requested, "response"),
      requested,
    );
  }
  const match = findResponseAdapter(raw, requested);
  if (match === undefined) {
    throw new ProviderPayloadError(
      `normalizeResponse: unrecognized ${requested ?? "provider"} response (${describeValue(raw)})`,
      expectedShapes(requested, "response"),
      requested,
    );
  }
  return assemble(match.adapter.normalize(raw), match, options);
}
