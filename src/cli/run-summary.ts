import { addUsage, type Run, type RunType, type UsageMetadata } from "../../schemas/index.js";
import { parseUsage } from "../../schemas/usage-parse.js";
import { estimateCost } from "../cost/estimate-cost.js";

/** The cost of a run: recorded on the run, or estimated from its usage and the price table. */
export interface RunCost {
  input: number;
  output: number;
  total: number;
  source: "run" | "estimated";
}

/**
 * What the report keeps of a run: a few hundred bytes instead of the full record (no inputs,
 * outputs or events), so a large file can be summarized without holding it.
 */
export interface RunSummary {
  id: string;
  traceId: string;
  parentId?: string;
  name: string;
  runType: RunType;
  dottedOrder: string;
  /** Start and end in epoch milliseconds (with sub-millisecond precision). */
  start: number;
  end?: number;
  error?: string;
  model?: string;
  provider?: string;
  usage?: UsageMetadata;
  cost?: RunCost;
}

type Dict = Record<string, unknown>;

/**
 * Summarizes a run. The model name is the one the response reported (`llm_output`, the message's
 * `response_metadata`), else `ls_model_name`, else the request's; usage comes from
 * `outputs.usage_metadata`, `extra.metadata.usage_metadata`, the generations' messages, the
 * `llm_output` token usage, then the run's token fields. `problems` receives invalid usage values.
 *
 * @example
 * const summary = summarizeRun(run, (message) => console.error(message));
 * summary.cost?.total; // USD
 */
export function summarizeRun(run: Run, onProblem: (message: string) => void = () => {}): RunSummary {
  const outputs = asDict(run.outputs);
  const extra = asDict(run.extra);
  const metadata = asDict(extra?.metadata);
  const model = modelName(outputs, metadata, extra);
  const provider = firstString(metadata?.ls_provider, responseMetadata(outputs)?.model_provider);
  const usage = runUsage(run, outputs, metadata, onProblem);
  const summary: RunSummary = {
    id: run.id,
    traceId: run.trace_id,
    name: run.name,
    runType: run.run_type,
    dottedOrder: run.dotted_order,
    start: isoToMillis(run.start_time),
  };
  if (run.parent_run_id) summary.parentId = run.parent_run_id;
  if (run.end_time) summary.end = isoToMillis(run.end_time);
  if (run.error) summary.error = run.error;
  if (model) summary.model = model;
  if (provider) summary.provider = provider;
  if (usage) summary.usage = usage;
  const cost = recordedCost(usage) ?? recordedCost(run) ?? estimatedCost(model, usage, provider);
  if (cost) summary.cost = cost;
  return summary;
}

/**
 * Epoch milliseconds of an ISO-8601 time, keeping microseconds as a fraction. A time without an
 * offset is UTC, as LangSmith writes it.
 *
 * @example
 * isoToMillis("2026-11-20T10:00:00.123456Z"); // → 1795168800123.456
 */
export function isoToMillis(iso: string): number {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(iso);
  if (!match?.[1]) return Date.parse(iso);
  const fraction = match[2] ? Number(`0.${match[2]}`) * 1000 : 0;
  return Date.parse(`${match[1]}${match[3] ?? "Z"}`) + fraction;
}

// The cost in the usage record's own keys (where LangSmith and runledger put it), else the run's
// `*_cost` fields.
function recordedCost(source: Run | UsageMetadata | undefined): RunCost | undefined {
  if (source === undefined) return undefined;
  const [input, output, total] =
    "run_type" in source
      ? [source.prompt_cost, source.completion_cost, source.total_cost]
      : [source.input_cost, source.output_cost, source.total_cost];
  if (input == null && output == null && total == null) return undefined;
  const sum = total ?? (input ?? 0) + (output ?? 0);
  return { input: input ?? 0, output: output ?? 0, total: sum, source: "run" };
}

function estimatedCost(
  model: string | undefined,
  usage: UsageMetadata | undefined,
  provider?: string,
): RunCost | undefined {
  if (!model || !usage) return undefined;
  const estimate = estimateCost(model, usage, provider === undefined ? {} : { provider });
  if (!estimate) return undefined;
  return { input: estimate.input_cost, output: estimate.output_cost, total: estimate.total_cost, source: "estimated" };
}

function modelName(outputs: Dict | undefined, metadata: Dict | undefined, extra: Dict | undefined): string | undefined {
  const llmOutput = asDict(outputs?.llm_output);
  const invocation = asDict(extra?.invocation_params);
  return firstString(
    llmOutput?.model_name,
    llmOutput?.model,
    responseMetadata(outputs)?.model_name,
    metadata?.ls_model_name,
    invocation?.model,
    invocation?.model_name,
  );
}

/** The response metadata of the run's output message (LangChain's serialized or plain form). */
function responseMetadata(outputs: Dict | undefined): Dict | undefined {
  return asDict(outputs?.response_metadata) ?? asDict(firstMessage(outputs)?.response_metadata);
}

function firstMessage(outputs: Dict | undefined): Dict | undefined {
  return generationMessages(outputs)[0];
}

function generationMessages(outputs: Dict | undefined): Dict[] {
  const generations = outputs?.generations;
  if (!Array.isArray(generations)) return [];
  const messages: Dict[] = [];
  for (const group of generations) {
    for (const generation of Array.isArray(group) ? group : [group]) {
      const message = asDict(asDict(generation)?.message);
      // A serialized LangChain message keeps its fields under `kwargs`.
      const fields = asDict(message?.kwargs) ?? message;
      if (fields) messages.push(fields);
    }
  }
  return messages;
}

function runUsage(
  run: Run,
  outputs: Dict | undefined,
  metadata: Dict | undefined,
  onProblem: (message: string) => void,
): UsageMetadata | undefined {
  const direct = outputs?.usage_metadata ?? metadata?.usage_metadata;
  if (direct !== undefined) return checked(direct, onProblem);
  const fromMessages = generationMessages(outputs)
    .map((message) => message.usage_metadata)
    .filter((usage) => usage !== undefined);
  if (fromMessages.length > 0) {
    // One chat generation per prompt: the run used the sum of them.
    return fromMessages.reduce<UsageMetadata | undefined>((sum, raw) => {
      const usage = checked(raw, onProblem);
      return usage ? addUsage(sum, usage) : sum;
    }, undefined);
  }
  const llmOutput = asDict(outputs?.llm_output);
  const tokenUsage = asDict(llmOutput?.token_usage) ?? asDict(llmOutput?.tokenUsage);
  if (tokenUsage) {
    return checked(
      {
        input_tokens: tokenUsage.prompt_tokens ?? tokenUsage.promptTokens,
        output_tokens: tokenUsage.completion_tokens ?? tokenUsage.completionTokens,
        total_tokens: tokenUsage.total_tokens ?? tokenUsage.totalTokens,
      },
      onProblem,
    );
  }
  if (run.prompt_tokens == null && run.completion_tokens == null) return undefined;
  const input = run.prompt_tokens ?? 0;
  const output = run.completion_tokens ?? 0;
  return { input_tokens: input, output_tokens: output, total_tokens: run.total_tokens ?? input + output };
}

function checked(raw: unknown, onProblem: (message: string) => void): UsageMetadata | undefined {
  const { usage, problems } = parseUsage(raw);
  for (const problem of problems) onProblem(`usage ignored in part: ${problem}`);
  return usage;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === "string" && value.length > 0) return value;
  return undefined;
}

function asDict(value: unknown): Dict | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}
