/**
 * The model a request asked for: the `ls_model_name` metadata LangChain.js sets, else the model named
 * in the invocation params (`model`, `model_name`, `modelName`, `model_id`, `modelId`). Usage and cost
 * fall back to it when the response does not name its model.
 *
 * @example
 * requestedModel({ invocation_params: { model: "gpt-4o-mini" } }, undefined); // → "gpt-4o-mini"
 * requestedModel(undefined, { ls_model_name: "claude-haiku-4-5" }); // → "claude-haiku-4-5"
 */
export function requestedModel(
  extraParams: Record<string, unknown> | undefined,
  metadata: Record<string, unknown> | undefined,
): string | undefined {
  const params = extraParams?.invocation_params as Record<string, unknown> | undefined;
  for (const candidate of [
    metadata?.ls_model_name,
    params?.model,
    params?.model_name,
    params?.modelName,
    params?.model_id,
    params?.modelId,
  ]) {
    if (typeof candidate === "string" && candidate.length > 0) return candidate;
  }
  return undefined;
}
