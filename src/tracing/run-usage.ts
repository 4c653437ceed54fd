import { assignFields } from "../../callbacks/assign-fields.js";
import type { ModelUsage } from "../../callbacks/usage-from-output.js";
import {
  addUsage,
  type CostContext,
  type CostEstimate,
  type CostEstimator,
  type UsageMetadata,
} from "../../schemas/index.js";

/**
 * An LLM run's usage summed over its generations, with its cost in the usage record's own keys
 * (`input_cost`, `output_cost`, `total_cost`, `*_cost_details`: where LangSmith reads it) when the
 * caller supplied them or every part has a price; `cost` restates those totals.
 */
export interface RunUsage {
  usage: UsageMetadata;
  cost?: { prompt: number; completion: number; total: number };
}

// The start of every sum (addUsage never mutates its inputs, so one shared zero is safe).
const ZERO: UsageMetadata = Object.freeze(addUsage());

/**
 * Sums the usage records of one LLM run and prices each with `estimate` (the default cost estimator
 * as of the run's end), under the model its response named, else the model the request named, with
 * `context` (the run's start time and provider: a run is priced at the prices in force when it
 * started). Costs the caller already put in the usage are kept as they are (summed like counts);
 * otherwise the estimate is added. Cost is left out when any record has no price (a partial sum
 * would understate it).
 *
 * @example
 * usageOfRun(usageFromOutput(output), requestedModel(extraParams, metadata), getDefaultCostEstimator(), {
 *   at: startMicros / 1000,
 *   provider: "openai",
 * });
 */
export function usageOfRun(
  records: readonly ModelUsage[],
  requestModel: string | undefined,
  estimate: CostEstimator | undefined,
  context: CostContext = {},
): RunUsage | undefined {
  const [first] = records;
  if (first === undefined) return undefined;
  // One record needs no sum: it is already a validated object of its own (usageFromOutput and
  // usageFromChunk parse into new objects), so it is used as it is.
  const summed =
    records.length === 1 ? first.usage : records.reduce((sum, record) => addUsage(sum, record.usage), ZERO);
  if (hasCost(summed)) return { usage: summed, cost: totalsOf(summed) };
  const cost = estimate === undefined ? undefined : costOf(records, requestModel, estimate, context);
  if (cost === undefined) return { usage: summed };
  // A new object: the parsed record is shared with the other handlers of the end event. Built by
  // assignment: V8 runs spread-then-spread objects on a slow path (see PERF.md).
  const usage = assignFields(assignFields({}, summed), cost) as unknown as UsageMetadata;
  return { usage, cost: totalsOf(usage) };
}

function hasCost(usage: UsageMetadata): boolean {
  return usage.input_cost !== undefined || usage.output_cost !== undefined || usage.total_cost !== undefined;
}

function totalsOf(usage: UsageMetadata): RunUsage["cost"] {
  const prompt = usage.input_cost ?? 0;
  const completion = usage.output_cost ?? 0;
  return { prompt, completion, total: usage.total_cost ?? prompt + completion };
}

function costOf(
  records: readonly ModelUsage[],
  requestModel: string | undefined,
  estimate: CostEstimator,
  context: CostContext,
) {
  let total: CostEstimate | undefined;
  for (const record of records) {
    const model = record.model ?? requestModel;
    const cost = model === undefined ? undefined : estimate(model, record.usage, context);
    if (cost === undefined) return undefined;
    total = total === undefined ? cost : sumCosts(total, cost);
  }
  return total;
}

function sumCosts(left: CostEstimate, right: CostEstimate): CostEstimate {
  return {
    input_cost: left.input_cost + right.input_cost,
    output_cost: left.output_cost + right.output_cost,
    total_cost: left.total_cost + right.total_cost,
    input_cost_details: sumDetails(left.input_cost_details, right.input_cost_details),
    output_cost_details: sumDetails(left.output_cost_details, right.output_cost_details),
  };
}

function sumDetails(left: Record<string, number>, right: Record<string, number>): Record<string, number> {
  const sum = { ...left };
  for (const [key, value] of Object.entries(right)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
