import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { Serialized } from "../../callbacks/index.js";
import { modelOf } from "../../callbacks/usage-from-output.js";
import { requestedModel } from "../../callbacks/requested-model.js";
import { cacheWriteTokens, hasCacheWrites, type LLMResult, type UsageMetadata } from "../../schemas/index.js";
import { ATTR, MODALITY_ATTRIBUTES, providerNameFor, providerOfClass, type SemconvVersion } from "./semconv.js";

type Record_ = Record<string, unknown>;

/**
 * What a model call asked for: the GenAI operation, provider, model and server (also the metric
 * dimensions).
 */
export interface ModelRequest {
  operation: string;
  provider?: string;
  model?: string;
  /** Metric attributes from the run's allow-listed metadata (`metricMetadataKeys`). */
  dimensions?: Attributes;
  /** `server.address`: the host the call went to (the wrappers' `server_address` metadata). */
  serverAddress?: string;
  /** `server.port` (the wrappers' `server_port` metadata); only with an address. */
  serverPort?: number;
}

// Finish-reason keys of the providers' LangChain response_metadata, in order of preference.
const FINISH_REASON_KEYS = ["finish_reason", "stop_reason", "stopReason", "done_reason", "status"] as const;

/**
 * Reads the operation, provider, requested model (`ls_model_name`, else the invocation params'
 * model) and server (`server_address` / `server_port` metadata, as the provider wrappers record
 * their client's base URL) of a model run.
 *
 * The provider (`gen_ai.provider.name`, mapped to the spec's value by `providerNameFor`), first
 * found of: the `ls_provider` metadata (LangChain's chat models and runledger's wrappers, which
 * name the host behind an OpenAI-compatible base URL); the invocation params' `_type`; the
 * serialized component's class (`ChatAnthropic` → anthropic, see `providerOfClass`).
 *
 * @example
 * modelRequest("chat", { invocation_params: { model: "gpt-4o-mini" } }, { ls_provider: "openai" });
 * // → { operation: "chat", provider: "openai", model: "gpt-4o-mini" }
 * modelRequest("chat", undefined, undefined, { id: ["langchain", "chat_models", "anthropic", "ChatAnthropic"] });
 * // → { operation: "chat", provider: "anthropic" }
 */
export function modelRequest(
  operation: string,
  extraParams: Record_ | undefined,
  metadata: Record_ | undefined,
  serialized?: Serialized,
): ModelRequest {
  const provider = stringOf(metadata?.ls_provider) ?? typeOf(extraParams);
  const model = requestedModel(extraParams, metadata);
  const request: ModelRequest = { operation };
  const providerName = provider === undefined ? providerOfSerialized(serialized) : providerNameFor(provider);
  if (providerName !== undefined) request.provider = providerName;
  if (model !== undefined) request.model = model;
  const address = stringOf(metadata?.server_address);
  if (address !== undefined) {
    request.serverAddress = address;
    const port = metadata?.server_port;
    if (typeof port === "number" && Number.isInteger(port) && port > 0 && port < 65536) request.serverPort = port;
  }
  return request;
}

// The provider of a serialized LangChain component: its class (the id's last part, else its name).
function providerOfSerialized(serialized: Serialized | undefined): string | undefined {
  const record = recordOf(serialized);
  const id = record?.id;
  const className = Array.isArray(id) ? stringOf(id[id.length - 1]) : undefined;
  return providerOfClass(className ?? stringOf(record?.name));
}

/** Where attributes are written: a span (`setAttribute`), so nothing is built in between. */
export interface AttributeSink {
  setAttribute(key: string, value: AttributeValue): unknown;
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
  // Walked in place (no flattened list): run end is on the caller's path.
  const batches: unknown = output.generations;
  if (Array.isArray(batches)) {
    for (const batch of batches) {
      if (!Array.isArray(batch)) continue;
      for (const item of batch) {
        const generation = recordOf(item);
        if (generation !== undefined) readGeneration(generation, fields);
      }
    }
  }
  const llmOutput = recordOf(output.llmOutput);
  fields.id ??= stringOf(llmOutput?.id);
  fields.model ??= stringOf(llmOutput?.model_name) ?? stringOf(llmOutput?.model);
  return fields;
}

function readGeneration(generation: Record_, fields: ResponseFields): void {
  const message = recordOf(generation.message);
  const metadata = recordOf(message?.response_metadata);
  fields.id ??= stringOf(metadata?.id) ?? responseIdOf(message?.id);
  fields.model ??= modelOf(metadata);
  const reason = finishReasonIn(metadata) ?? finishReasonIn(recordOf(generation.generationInfo));
  if (reason !== undefined) fields.finishReasons.push(reason);
}

/**
 * Why one generation stopped, as its provider said it (`stop`, `end_turn`, `length`, `tool_calls`, …).
 *
 * @example
 * finishReasonOf({ text: "", message: { content: "", response_metadata: { stop_reason: "end_turn" } } }); // → "end_turn"
 */
export function finishReasonOf(generation: Record_): string | undefined {
  return (
    finishReasonIn(recordOf(recordOf(generation.message)?.response_metadata)) ??
    finishReasonIn(recordOf(generation.generationInfo))
  );
}

function finishReasonIn(source: Record_ | undefined): string | undefined {
  if (source === undefined) return undefined;
  for (const key of FINISH_REASON_KEYS) {
    const reason = stringOf(source[key]);
    if (reason !== undefined) return reason;
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
 * Writes the `gen_ai.usage.*` attributes of a usage record: input tokens (cache reads and writes
 * included, as in the LangSmith shape), output tokens (reasoning included), and the cache and
 * reasoning subsets when the provider reported them. With `gen_ai_latest_experimental`, cache writes
 * use the newest name and per-modality counts are added.
 *
 * @example
 * setUsageAttributes(span, { input_tokens: 100, output_tokens: 20, total_tokens: 120,
 *   input_token_details: { cache_read: 80 } }, semconvVersion());
 * // span: "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 20, "gen_ai.usage.cache_read.input_tokens": 80
 */
export function setUsageAttributes(into: AttributeSink, usage: UsageMetadata, version: SemconvVersion): void {
  into.setAttribute(ATTR.GEN_AI_USAGE_INPUT_TOKENS, usage.input_tokens);
  into.setAttribute(ATTR.GEN_AI_USAGE_OUTPUT_TOKENS, usage.output_tokens);
  const input = usage.input_token_details;
  const output = usage.output_token_details;
  if (input?.cache_read !== undefined) into.setAttribute(ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, input.cache_read);
  // Writes reported with Anthropic's TTL breakdown sit in the ephemeral keys (cache_creation 0).
  if (hasCacheWrites(input)) into.setAttribute(version.cacheWriteInputTokens, cacheWriteTokens(input));
  if (output?.reasoning !== undefined) into.setAttribute(ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, output.reasoning);
  if (version.latestExperimental) {
    setModalities(input, MODALITY_ATTRIBUTES.input, into);
    setModalities(output, MODALITY_ATTRIBUTES.output, into);
  }
}

function setModalities(
  details: Readonly<Record<string, number | undefined>> | undefined,
  names: Readonly<Record<string, string>>,
  into: AttributeSink,
): void {
  if (details === undefined) return;
  for (const [modality, attribute] of Object.entries(names)) {
    const count = details[modality];
    if (count !== undefined) into.setAttribute(attribute, count);
  }
}

// The provider a model's invocation params name (`_type`, e.g. "openai"), when the metadata does not.
function typeOf(extraParams: Record_ | undefined): string | undefined {
  return stringOf(recordOf(extraParams?.invocation_params)?._type);
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
