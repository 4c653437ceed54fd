import type { LLMResult, UsageMetadata } from "../schemas/index.js";
import { parseUsage } from "../schemas/usage-parse.js";
import { emitWarning } from "./warnings.js";

/** One usage record read from an LLM result, with the model name the response gave it, if any. */
export interface ModelUsage {
  model?: string;
  usage: UsageMetadata;
}

/**
 * Reads the usage of every generation of an LLM result (`message.usage_metadata`). When no generation
 * carries usage, falls back to `llmOutput.tokenUsage` / `llmOutput.token_usage` (older LangChain.js
 * and OpenAI-style outputs). Invalid counts are dropped with a warning; the rest is kept. The records
 * of the most recent result are shared by every reader of that same object: read them, never change
 * them (and end each run with its own result object).
 *
 * @example
 * usageFromOutput({ generations: [[{ text: "hi", message: { content: "hi",
 *   usage_metadata: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
 *   response_metadata: { model_name: "gpt-4o-mini-2024-07-18" } } }]] });
 * // → [{ model: "gpt-4o-mini-2024-07-18", usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } }]
 */
export function usageFromOutput(output: LLMResult | undefined): readonly ModelUsage[] {
  // Every handler of one end event (tracer, usage handler, OpenTelemetry) reads the same result in a
  // row: parse it once, so its cost and any invalid-usage warning are paid once, not per handler.
  if (output !== undefined && output === lastOutput) return lastUsage;
  const usage = readOutput(output);
  lastOutput = output;
  lastUsage = usage;
  return usage;
}

let lastOutput: LLMResult | undefined;
let lastUsage: readonly ModelUsage[] = [];

// The result for an output that reports no usage: shared, and frozen so no caller can fill it.
const NO_USAGE: readonly ModelUsage[] = Object.freeze([]);

function readOutput(output: LLMResult | undefined): readonly ModelUsage[] {
  // Built on the first usage found: most results carry one, and an output without any builds nothing.
  let found: ModelUsage[] | undefined;
  let responseModel: string | undefined;
  const generations = Array.isArray(output?.generations) ? output.generations : [];
  for (const batch of generations) {
    if (!Array.isArray(batch)) continue;
    for (const generation of batch) {
      const message = (generation as { message?: Record<string, unknown> } | undefined)?.message;
      if (message === undefined || message === null) continue;
      // Read once: the generation's usage record names the same model.
      const model = modelOf(message.response_metadata);
      responseModel ??= model;
      if (message.usage_metadata === undefined) continue;
      const usage = readUsage(message.usage_metadata, "message.usage_metadata");
      if (usage === undefined) continue;
      if (found === undefined) found = [{ model, usage }];
      else found.push({ model, usage });
    }
  }
  if (found !== undefined) return found;
  const llmOutput = output?.llmOutput;
  const legacy = legacyUsage(llmOutput?.tokenUsage ?? llmOutput?.token_usage ?? llmOutput?.usage);
  if (legacy === undefined) return NO_USAGE;
  // Older LangChain.js names the model only on the generation's message.
  const model = stringOf(llmOutput?.model_name) ?? stringOf(llmOutput?.model) ?? responseModel;
  return [{ model, usage: legacy }];
}

/**
 * The usage a traced function's result carries (`usage_metadata`, as langsmith's traceable reads it),
 * under the model its `response_metadata` names; empty when there is none or it is invalid (warning).
 *
 * @example
 * usageFromRunOutputs({ content: "hi", usage_metadata: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } });
 */
export function usageFromRunOutputs(outputs: unknown): readonly ModelUsage[] {
  if (typeof outputs !== "object" || outputs === null) return [];
  const record = outputs as Record<string, unknown>;
  if (record.usage_metadata === undefined || record.usage_metadata === null) return [];
  const usage = readUsage(record.usage_metadata, "outputs.usage_metadata");
  return usage === undefined ? [] : [{ model: modelOf(record.response_metadata), usage }];
}

/** The usage carried by a streamed chunk (`chunk.message.usage_metadata`), if any. */
export function usageFromChunk(chunk: unknown): ModelUsage | undefined {
  const message = (chunk as { message?: Record<string, unknown> } | undefined)?.message;
  const raw = message?.usage_metadata;
  if (raw === undefined || raw === null) return undefined;
  const usage = readUsage(raw, "chunk.message.usage_metadata");
  return usage === undefined ? undefined : { model: modelOf(message?.response_metadata), usage };
}

/** The model name a response names: `model_name`, else `model`. */
export function modelOf(responseMetadata: unknown): string | undefined {
  if (typeof responseMetadata !== "object" || responseMetadata === null) return undefined;
  const metadata = responseMetadata as Record<string, unknown>;
  return stringOf(metadata.model_name) ?? stringOf(metadata.model);
}

function readUsage(raw: unknown, where: string): UsageMetadata | undefined {
  const { usage, problems } = parseUsage(raw);
  if (problems.length > 0) {
    const kept = usage === undefined ? "usage dropped" : "invalid counts dropped, the rest kept";
    emitWarning("invalid_usage", `Invalid ${where} (${kept}): ${problems.join("; ")}`, raw);
  }
  return usage;
}

// LangChain.js's `tokenUsage` ({ promptTokens, completionTokens, totalTokens }) and the OpenAI-style
// `token_usage` ({ prompt_tokens, completion_tokens, total_tokens }).
function legacyUsage(raw: unknown): UsageMetadata | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  const converted = {
    input_tokens: record.promptTokens ?? record.prompt_tokens ?? record.input_tokens,
    output_tokens: record.completionTokens ?? record.completion_tokens ?? record.output_tokens,
    total_tokens: record.totalTokens ?? record.total_tokens,
  };
  return readUsage(converted, "llmOutput token usage");
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
