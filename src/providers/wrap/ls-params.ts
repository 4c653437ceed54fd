import type { ChatCallSpec } from "./chat-call-spec.js";
import { omitKeys, type JsonRecord } from "../common/records.js";

/**
 * LangSmith's `ls_*` metadata of a chat-model call, read from the request as LangChain's chat models
 * report it (`getLsParams`): provider, model, "chat", and temperature, output limit and stop
 * sequences when the request gives them.
 *
 * @example
 * lsParams(spec, { model: "gpt-4o-mini", temperature: 0, stop: "\n", messages });
 * // { ls_provider: "openai", ls_model_name: "gpt-4o-mini", ls_model_type: "chat", ls_temperature: 0, ls_stop: ["\n"] }
 */
export function lsParams(spec: ChatCallSpec, request: JsonRecord): Record<string, unknown> {
  const params: Record<string, unknown> = { ls_provider: spec.host?.provider ?? spec.provider };
  if (typeof request.model === "string") params.ls_model_name = request.model;
  params.ls_model_type = "chat";
  if (typeof request.temperature === "number") params.ls_temperature = request.temperature;
  for (const key of spec.maxTokensKeys) {
    const limit = request[key];
    if (typeof limit === "number") {
      params.ls_max_tokens = limit;
      break;
    }
  }
  const stop = stopSequences(request[spec.stopKey]);
  if (stop !== undefined) params.ls_stop = stop;
  return params;
}

/**
 * The request's parameters without the prompt (which the run reports as its messages).
 *
 * @example
 * invocationParams(spec, { model: "gpt-4o-mini", messages, temperature: 0 }); // { model: "gpt-4o-mini", temperature: 0 }
 */
export function invocationParams(spec: ChatCallSpec, request: JsonRecord): JsonRecord {
  return omitKeys(request, spec.promptKeys);
}

// LangChain reports `ls_stop` as a list; the APIs also accept a single string.
function stopSequences(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) return undefined;
  const stop = value.filter((item): item is string => typeof item === "string");
  return stop.length > 0 ? stop : undefined;
}
