import type { AttributeValue } from "@opentelemetry/api";
import { recordOf, type AttributeSink } from "./attributes.js";
import { maskRecurringString } from "../export/redact.js";
import { ATTR, OUTPUT_TYPE } from "./semconv.js";

type Record_ = Record<string, unknown>;

/** How a request parameter's value is read: a finite number, a non-negative integer, stop sequences, a true flag. */
type ValueKind = "number" | "count" | "stop" | "flag";

/** One `gen_ai.request.*` attribute: the provider keys in order of preference. */
interface RequestParam {
  attribute: string;
  kind: ValueKind;
  keys: readonly string[];
}

const REQUEST_PARAMS: readonly RequestParam[] = [
  { attribute: ATTR.GEN_AI_REQUEST_TEMPERATURE, kind: "number", keys: ["temperature"] },
  {
    attribute: ATTR.GEN_AI_REQUEST_MAX_TOKENS,
    kind: "count",
    keys: [
      "max_tokens",
      "max_completion_tokens",
      "maxTokens",
      "max_output_tokens",
      "maxOutputTokens",
      "max_tokens_to_sample",
      "num_predict",
    ],
  },
  { attribute: ATTR.GEN_AI_REQUEST_TOP_P, kind: "number", keys: ["top_p", "topP"] },
  { attribute: ATTR.GEN_AI_REQUEST_TOP_K, kind: "number", keys: ["top_k", "topK"] },
  { attribute: ATTR.GEN_AI_REQUEST_SEED, kind: "count", keys: ["seed", "random_seed", "randomSeed"] },
  { attribute: ATTR.GEN_AI_REQUEST_FREQUENCY_PENALTY, kind: "number", keys: ["frequency_penalty", "frequencyPenalty"] },
  { attribute: ATTR.GEN_AI_REQUEST_PRESENCE_PENALTY, kind: "number", keys: ["presence_penalty", "presencePenalty"] },
  {
    attribute: ATTR.GEN_AI_REQUEST_STOP_SEQUENCES,
    kind: "stop",
    keys: ["stop", "stop_sequences", "stopSequences"],
  },
  { attribute: ATTR.GEN_AI_REQUEST_CHOICE_COUNT, kind: "count", keys: ["n", "candidate_count", "candidateCount"] },
  { attribute: ATTR.GEN_AI_REQUEST_STREAM, kind: "flag", keys: ["stream", "streaming"] },
];
const paramIndex = (attribute: string): number => REQUEST_PARAMS.findIndex((param) => param.attribute === attribute);
const TEMPERATURE = paramIndex(ATTR.GEN_AI_REQUEST_TEMPERATURE);
const MAX_TOKENS = paramIndex(ATTR.GEN_AI_REQUEST_MAX_TOKENS);
const STOP_SEQUENCES = paramIndex(ATTR.GEN_AI_REQUEST_STOP_SEQUENCES);
const CHOICE_COUNT = paramIndex(ATTR.GEN_AI_REQUEST_CHOICE_COUNT);

/** A provider key: which parameter it gives and its preference (lower wins within one source). */
interface KeySpec {
  param: number;
  rank: number;
}

// Every provider key, looked up once per key the params object has: the params are walked once
// instead of probing ~30 candidate keys, most of them absent, on each model run start.
const KEY_SPECS = new Map<string, KeySpec>();
REQUEST_PARAMS.forEach((param, index) => param.keys.forEach((key, rank) => KEY_SPECS.set(key, { param: index, rank })));

/** One call's working slots, one per parameter: the value found so far and its key's rank in the current source. */
interface Slots {
  values: (AttributeValue | undefined)[];
  ranks: number[];
}

const newSlots = (): Slots => ({
  values: new Array<AttributeValue | undefined>(REQUEST_PARAMS.length),
  ranks: new Array<number>(REQUEST_PARAMS.length).fill(0),
});

// The reused slots of setRequestAttributes (undefined while a call holds them).
let scratch: Slots | undefined = newSlots();

/**
 * Writes the GenAI request attributes of a model run that samplers do not need: request parameters
 * (temperature, max tokens, top-p/k, stop sequences, seed, penalties, choice count, streaming) and
 * the conversation id (`thread_id` / `session_id` / `conversation_id` metadata) and the requested
 * output type (`gen_ai.output.type`, see `outputTypeOf`). The operation,
 * provider and model are the span's creation attributes (`modelShape`).
 *
 * Precedence: LangChain's `ls_*` metadata, then the invocation params, then their nested configs; in
 * one place, the first key of the parameter's list that holds an acceptable value. A value of an
 * unexpected type (e.g. LangChain's `max_tokens: -1` for "no limit") is left out rather than reported wrong.
 *
 * @example
 * setRequestAttributes(span, { invocation_params: { temperature: 0.2, stop: ["\n"] } }, metadata);
 * // span: "gen_ai.request.temperature": 0.2, "gen_ai.request.stop_sequences": ["\n"]
 */
export function setRequestAttributes(
  into: AttributeSink,
  extraParams: Record_ | undefined,
  metadata: Record_ | undefined,
): void {
  // The values found so far, one slot per parameter, in a reused array: a model run start allocates
  // nothing here. A re-entrant call (a getter on the params starting another run) gets its own.
  const slots = scratch ?? newSlots();
  scratch = undefined;
  const values = slots.values;
  try {
    readRequest(slots, extraParams, metadata);
    for (let index = 0; index < REQUEST_PARAMS.length; index++) {
      const value = values[index];
      if (value === undefined || (index === CHOICE_COUNT && value === 1)) continue;
      into.setAttribute(REQUEST_PARAMS[index]?.attribute ?? "", value);
    }
  } finally {
    for (let index = 0; index < values.length; index++) values[index] = undefined;
    scratch = slots;
  }
  const conversation = conversationId(metadata);
  if (conversation !== undefined) into.setAttribute(ATTR.GEN_AI_CONVERSATION_ID, conversation);
  const outputType = outputTypeOf(recordOf(extraParams?.invocation_params));
  if (outputType !== undefined) into.setAttribute(ATTR.GEN_AI_OUTPUT_TYPE, outputType);
}

const JSON_FORMATS: ReadonlySet<string> = new Set(["json_object", "json_schema", "json"]);

/**
 * The output type a request asked for (`gen_ai.output.type`), when its invocation params say:
 * - `json` for a JSON response format: OpenAI Chat Completions' `response_format.type`
 *   (`json_object` / `json_schema`), the Responses API's `text.format.type`, Anthropic's
 *   `output_format.type`, Gemini's `responseMimeType: "application/json"` (also inside
 *   `generationConfig`), Ollama's `format` ("json" or a schema object);
 * - `text` for an explicit text format (`response_format` / `text.format` of type `text`);
 * - `speech` when the requested output modalities include audio (OpenAI's `modalities`).
 * Otherwise undefined: the spec sets the attribute only when the request names an output format.
 *
 * @example
 * outputTypeOf({ response_format: { type: "json_schema", json_schema: {} } }); // → "json"
 * outputTypeOf({ modalities: ["text", "audio"] });                            // → "speech"
 * outputTypeOf({ temperature: 0 });                                            // → undefined
 */
export function outputTypeOf(params: Record_ | undefined): string | undefined {
  if (params === undefined) return undefined;
  const modalities = params.modalities;
  if (Array.isArray(modalities) && modalities.includes("audio")) return OUTPUT_TYPE.SPEECH;
  const generationConfig = recordOf(params.generationConfig);
  const mimeType =
    params.responseMimeType ??
    params.response_mime_type ??
    generationConfig?.responseMimeType ??
    generationConfig?.response_mime_type;
  if (mimeType === "application/json") return OUTPUT_TYPE.JSON;
  if (params.format === "json" || recordOf(params.format) !== undefined) return OUTPUT_TYPE.JSON;
  const format =
    recordOf(params.response_format)?.type ??
    recordOf(recordOf(params.text)?.format)?.type ??
    recordOf(params.output_format)?.type;
  if (typeof format !== "string") return mimeType === "text/plain" ? OUTPUT_TYPE.TEXT : undefined;
  if (JSON_FORMATS.has(format)) return OUTPUT_TYPE.JSON;
  return format === "text" ? OUTPUT_TYPE.TEXT : undefined;
}

function readRequest(slots: Slots, extraParams: Record_ | undefined, metadata: Record_ | undefined): void {
  // Fixed keys are read by name, not through a key list (`record[key]`): a named read is an
  // inline-cached load, a computed one a generic lookup, and this runs at every model run start.
  const values = slots.values;
  if (metadata !== undefined) {
    // LangChain's `ls_*` metadata.
    values[TEMPERATURE] = acceptValue("number", metadata.ls_temperature);
    values[MAX_TOKENS] = acceptValue("count", metadata.ls_max_tokens);
    values[STOP_SEQUENCES] = acceptValue("stop", metadata.ls_stop);
  }
  const params = recordOf(extraParams?.invocation_params);
  if (params === undefined) return;
  readSource(params, slots);
  // The nested configs some integrations use: Bedrock Converse, Google, Ollama.
  readNested(params.inferenceConfig, slots);
  readNested(params.generationConfig, slots);
  readNested(params.options, slots);
}

function readNested(value: unknown, slots: Slots): void {
  const record = recordOf(value);
  if (record !== undefined) readSource(record, slots);
}

// A rank above every key's: the parameter has no value from this source yet.
const NO_RANK = Number.MAX_SAFE_INTEGER;

// Fills the parameters still open from one source: per parameter, the acceptable value of its most
// preferred key present. Parameters an earlier source decided (rank -1) are kept.
function readSource(source: Record_, { values, ranks }: Slots): void {
  for (let index = 0; index < values.length; index++) ranks[index] = values[index] === undefined ? NO_RANK : -1;
  for (const key in source) {
    const spec = KEY_SPECS.get(key);
    if (spec === undefined || (ranks[spec.param] ?? -1) <= spec.rank) continue;
    const value = acceptValue(REQUEST_PARAMS[spec.param]?.kind, source[key]);
    if (value === undefined) continue;
    values[spec.param] = value;
    ranks[spec.param] = spec.rank;
  }
}

function acceptValue(kind: ValueKind | undefined, value: unknown): AttributeValue | undefined {
  switch (kind) {
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    case "count":
      return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
    case "stop":
      return stopSequences(value);
    case "flag":
      return value === true ? true : undefined;
    default:
      return undefined;
  }
}

function stopSequences(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.length > 0 ? [value] : undefined;
  if (!Array.isArray(value)) return undefined;
  const sequences = value.filter((item): item is string => typeof item === "string");
  return sequences.length > 0 ? sequences : undefined;
}

// The conversation (thread, session) a run belongs to, from LangSmith's thread metadata keys, first
// usable of thread_id, session_id, conversation_id (read by name, as in readRequest).
function conversationId(metadata: Record_ | undefined): string | undefined {
  if (metadata === undefined) return undefined;
  return (
    conversationValue(metadata.thread_id) ??
    conversationValue(metadata.session_id) ??
    conversationValue(metadata.conversation_id)
  );
}

function conversationValue(value: unknown): string | undefined {
  if (typeof value === "string" && value.length > 0) return maskRecurringString(value);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}
