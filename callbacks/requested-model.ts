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
  const named = metadata?.ls_model_name;
  if (isName(named)) return named;
  const params = extraParams?.invocation_params as Record<string, unknown> | undefined;
  if (params === undefined || params === null) return undefined;
  // A constant key list: nothing is allocated per call (this runs at every model-run start).
  for (const key of PARAM_KEYS) {
    const candidate = params[key];
    if (isName(candidate)) return candidate;
  }
  return undefined;
}

const PARAM_KEYS = ["model", "model_name", "modelName", "model_id", "modelId"] as const;

function isName(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
