import type { Attributes } from "@opentelemetry/api";
import { modelOf } from "../../callbacks/index.js";
import { requestedModel } from "../../callbacks/requested-model.js";
import type { LLMResult, UsageMetadata } from "../../schemas/index.js";
import { ATTR, MODALITY_ATTRIBUTES, providerNameFor, type SemconvVersion } from "./semconv.js";

type Record_ = Record<string, unknown>;

/** What a model call asked for: the GenAI operation, provider and model (also the metric dimensions). */
export interface ModelRequest {
  operation: string;
  provider?: string;
  model?: string;
}

/** A numeric request parameter: its attribute, where LangChain's `ls_*` metadata has it, the provider keys. */
interface NumberParam {
  attribute: string;
  metadataKey?: string;
  keys: readonly string[];
  integer?: boolean;
}

const NUMBER_PARAMS: readonly NumberParam[] = [
  { attribute: ATTR.GEN_AI_REQUEST_TEMPERATURE, metadataKey: "ls_temperature", keys: ["temperature"] },
  {
    attribute: ATTR.GEN_AI_REQUEST_MAX_TOKENS,
    metadataKey: "ls_max_tokens",
    keys: ["max_tokens", "max_completion_tokens", "maxTokens", "max_output_tokens", "maxOutputTokens", "max_tokens_to_sample", "num_predict"],
    integer: true,
  },
  { attribute: ATTR.GEN_AI_REQUEST_TOP_P, keys: ["top_p", "topP"] },
  { attribute: ATTR.GEN_AI_REQUEST_TOP_K, keys: ["top_k", "topK"] },
  { attribute: ATTR.GEN_AI_REQUEST_SEED, keys: ["seed", "random_seed", "randomSeed"], integer: true },
  { attribute: ATTR.GEN_AI_REQUEST_FREQUENCY_PENALTY, keys: ["frequency_penalty", "frequencyPenalty"] },
  { attribute: ATTR.GEN_AI_REQUEST_PRESENCE_PENALTY, keys: ["presence_penalty", "presencePenalty"] },
];
const STOP_KEYS = ["stop", "stop_sequences", "stopSequences"] as const;
const CHOICE_COUNT_KEYS = ["n", "candidate_count", "candidateCount"] as const;
const STREAM_KEYS = ["stream", "streaming"] as const;
const CONVERSATION_KEYS = ["thread_id", "session_id", "conversation_id"] as const;
const TYPE_KEYS = ["_type"] as const;
const NESTED_PARAM_KEYS = ["inferenceConfig", "generationConfig", "options"] as const;
// Finish-reason keys of the providers' LangChain response_metadata, in order of preference.
const FINISH_REASON_KEYS = ["finish_reason", "stop_reason", "stopReason", "done_reason", "status"] as const;

/**
 * Reads the operation, provider (`ls_provider`, mapped to the spec's value) and requested model
 * (`ls_model_name`, else the invocation params' model) of a model run.
 *
 * @example
 * modelRequest("chat", { invocation_params: { model: "gpt-4o-mini" } }, { ls_provider: "openai" });
 * // → { operation: "chat", provider: "openai", model: "gpt-4o-mini" }
 */
export function modelRequest(
  operation: string,
  extraParams: Record_ | undefined,
  metadata: Record_ | undefined,
): ModelRequest {
  const provider = stringOf(metadata?.ls_provider) ?? firstString(paramSources(extraParams), TYPE_KEYS);
  const model = requestedModel(extraParams, metadata);
  const request: ModelRequest = { operation };
  if (provider !== undefined) request.provider = providerNameFor(provider);
  if (model !== undefined) request.model = model;
  return request;
}

/**
 * The GenAI attributes known when a model run starts: operation, provider, model, request parameters
 * (temperature, max tokens, top-p/k, stop sequences, seed, penalties, choice count, streaming) and the
 * conversation id (`thread_id` / `session_id` / `conversation_id` metadata). A parameter whose value
 * has an unexpected type (e.g. LangChain's `max_tokens: -1` for "no limit") is left out rather than
 * reported wrong.
 *
 * @example
 * modelStartAttributes(request, { invocation_params: { temperature: 0.2, stop: ["\n"] } }, metadata);
 * // → { "gen_ai.operation.name": "chat", …, "gen_ai.request.temperature": 0.2, "gen_ai.request.stop_sequences": ["\n"] }
 */
export function modelStartAttributes(
  request: ModelRequest,
  extraParams: Record_ | undefined,
  metadata: Record_ | undefined,
): Attributes {
  const attributes: Attributes = { [ATTR.GEN_AI_OPERATION_NAME]: request.operation };
  if (request.provider !== undefined) attributes[ATTR.GEN_AI_PROVIDER_NAME] = request.provider;
  if (request.model !== undefined) attributes[ATTR.GEN_AI_REQUEST_MODEL] = request.model;
  const params = paramSources(extraParams);
  for (const param of NUMBER_PARAMS) {
    const preferred = param.metadataKey === undefined ? undefined : metadata?.[param.metadataKey];
    const value = firstNumber(preferred, params, param.keys, param.integer === true);
    if (value !== undefined) attributes[param.attribute] = value;
  }
  const stop = stopSequences(metadata?.ls_stop) ?? firstDefined(params, STOP_KEYS, stopSequences);
  if (stop !== undefined) attributes[ATTR.GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  const choices = firstNumber(undefined, params, CHOICE_COUNT_KEYS, true);
  if (choices !== undefined && choices !== 1) attributes[ATTR.GEN_AI_REQUEST_CHOICE_COUNT] = choices;
  if (firstDefined(params, STREAM_KEYS, trueOnly)) {
    attributes[ATTR.GEN_AI_REQUEST_STREAM] = true;
  }
  const conversation = conversationId(metadata);
  if (conversation !== undefined) attributes[ATTR.GEN_AI_CONVERSATION_ID] = conversation;
  return attributes;
}

/**
 * The conversation (thread, session) a run belongs to, from LangSmith's thread metadata keys.
 *
 * @example
 * conversationId({ thread_id: "t-42" }); // → "t-42"
 */
function conversationId(metadata: Record_ | undefined): string | undefined {
  for (const key of CONVERSATION_KEYS) {
    const value = metadata?.[key];
    if (typeof value === "string" && value.length > 0) return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** What the response says about itself: its id, the model that answered, why each generation stopped. */
export interface ResponseFields {
  id?: string;
  model?: string;
  finishReasons: string[];
}

/**
 * Reads the response id, response model and the finish reason of every generation of an LLM result
 * (`response_metadata` keys as the providers' LangChain packages write them, then `generationInfo`,
 * then `llmOutput`). LangChain's placeholder message ids (`run-<run id>`) are not response ids.
 *
 * @example
 * responseFields(result); // → { id: "chatcmpl-123", model: "gpt-4o-mini-2024-07-18", finishReasons: ["stop"] }
 */
export function responseFields(output: LLMResult): ResponseFields {
  const fields: ResponseFields = { finishReasons: [] };
  for (const generation of generationsOf(output)) {
    const message = recordOf(generation.message);
    const metadata = recordOf(message?.response_metadata);
    fields.id ??= stringOf(metadata?.id) ?? responseIdOf(message?.id);
    fields.model ??= modelOf(metadata);
    const reason = finishReasonOf(generation);
    if (reason !== undefined) fields.finishReasons.push(reason);
  }
  const llmOutput = recordOf(output.llmOutput);
  fields.id ??= stringOf(llmOutput?.id);
  fields.model ??= stringOf(llmOutput?.model_name) ?? stringOf(llmOutput?.model);
  return fields;
}

/**
 * Why one generation stopped, as its provider said it (`stop`, `end_turn`, `length`, `tool_calls`, …).
 *
 * @example
 * finishReasonOf({ text: "", message: { content: "", response_metadata: { stop_reason: "end_turn" } } }); // → "end_turn"
 */
export function finishReasonOf(generation: Record_): string | undefined {
  const metadata = recordOf(recordOf(generation.message)?.response_metadata);
  const info = recordOf(generation.generationInfo);
  for (const source of [metadata, info]) {
    for (const key of FINISH_REASON_KEYS) {
      const reason = stringOf(source?.[key]);
      if (reason !== undefined) return reason;
    }
  }
  return undefined;
}

/**
 * Every generation of an LLM result, flattened, skipping malformed entries.
 *
 * @example
 * generationsOf({ generations: [[{ text: "a" }], [{ text: "b" }]] }); // → [{ text: "a" }, { text: "b" }]
 */
export function generationsOf(output: LLMResult | undefined): Record_[] {
  const found: Record_[] = [];
  const batches: unknown = output?.generations;
  if (!Array.isArray(batches)) return found;
  for (const batch of batches) {
    if (!Array.isArray(batch)) continue;
    for (const generation of batch) {
      const record = recordOf(generation);
      if (record !== undefined) found.push(record);
    }
  }
  return found;
}

/**
 * The `gen_ai.usage.*` attributes of a usage record: input tokens (cache reads and writes included,
 * as in the LangSmith shape), output tokens (reasoning included), and the cache and reasoning
 * subsets when the provider reported them. With `gen_ai_latest_experimental`, cache writes use the
 * newest name and per-modality counts are added.
 *
 * @example
 * usageAttributes({ input_tokens: 100, output_tokens: 20, total_tokens: 120,
 *   input_token_details: { cache_read: 80 } }, semconvVersion());
 * // → { "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 20, "gen_ai.usage.cache_read.input_tokens": 80 }
 */
export function usageAttributes(usage: UsageMetadata, version: SemconvVersion): Attributes {
  const attributes: Attributes = {
    [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: usage.input_tokens,
    [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: usage.output_tokens,
  };
  const input = usage.input_token_details;
  const output = usage.output_token_details;
  if (input?.cache_read !== undefined) attributes[ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = input.cache_read;
  if (input?.cache_creation !== undefined) attributes[version.cacheWriteInputTokens] = input.cache_creation;
  if (output?.reasoning !== undefined) attributes[ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = output.reasoning;
  if (version.latestExperimental) {
    copyModalities(input, MODALITY_ATTRIBUTES.input, attributes);
    copyModalities(output, MODALITY_ATTRIBUTES.output, attributes);
  }
  return attributes;
}

function copyModalities(
  details: Readonly<Record<string, number | undefined>> | undefined,
  names: Readonly<Record<string, string>>,
  into: Attributes,
): void {
  if (details === undefined) return;
  for (const [modality, attribute] of Object.entries(names)) {
    const count = details[modality];
    if (count !== undefined) into[attribute] = count;
  }
}

// Where request parameters live: the invocation params, then the nested configs some integrations
// use (Bedrock Converse `inferenceConfig`, Google `generationConfig`, Ollama `options`).
function paramSources(extraParams: Record_ | undefined): Record_[] {
  const params = recordOf(extraParams?.invocation_params);
  if (params === undefined) return [];
  const sources = [params];
  for (const nested of NESTED_PARAM_KEYS) {
    const record = recordOf(params[nested]);
    if (record !== undefined) sources.push(record);
  }
  return sources;
}

// The first acceptable number: `preferred` (an `ls_*` metadata value), else the first key of the
// first source that has one. Run start is on the caller's path: no list or closure is built per call.
function firstNumber(
  preferred: unknown,
  sources: readonly Record_[],
  keys: readonly string[],
  integer: boolean,
): number | undefined {
  const value = acceptNumber(preferred, integer);
  if (value !== undefined) return value;
  for (const source of sources) {
    for (const key of keys) {
      const found = acceptNumber(source[key], integer);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function acceptNumber(value: unknown, integer: boolean): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && (!integer || (Number.isInteger(value) && value >= 0))
    ? value
    : undefined;
}

function trueOnly(value: unknown): true | undefined {
  return value === true ? true : undefined;
}

function firstString(sources: readonly Record_[], keys: readonly string[]): string | undefined {
  return firstDefined(sources, keys, stringOf);
}

function firstDefined<T>(sources: readonly Record_[], keys: readonly string[], read: (value: unknown) => T | undefined): T | undefined {
  for (const source of sources) {
    for (const key of keys) {
      const value = read(source[key]);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

function stopSequences(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.length > 0 ? [value] : undefined;
  if (!Array.isArray(value)) return undefined;
  const sequences = value.filter((item): item is string => typeof item === "string");
  return sequences.length > 0 ? sequences : undefined;
}

function responseIdOf(messageId: unknown): string | undefined {
  const id = stringOf(messageId);
  // LangChain.js gives messages without a provider id the placeholder `run-<run id>`.
  return id === undefined || id.startsWith("run-") ? undefined : id;
}

/**
 * The value as a plain record, or undefined when it is not a (non-array) object.
 *
 * @example
 * recordOf({ a: 1 }); // → { a: 1 }
 * recordOf([1]);      // → undefined
 */
export function recordOf(value: unknown): Record_ | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record_) : undefined;
}

/**
 * The value when it is a non-empty string.
 *
 * @example
 * stringOf("gpt-4o"); // → "gpt-4o"
 * stringOf("");       // → undefined
 */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
