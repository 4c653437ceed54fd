import type { ModelUsage } from "../../callbacks/usage-from-output.js";
import { addUsage, type CostEstimator, type UsageMetadata } from "../../schemas/index.js";

/** An LLM run's usage summed over its generations, and its cost when every part has a price. */
export interface RunUsage {
  usage: UsageMetadata;
  cost?: { prompt: number; completion: number; total: number };
}

// The start of every sum (addUsage never mutates its inputs, so one shared zero is safe).
const ZERO: UsageMetadata = Object.freeze(addUsage());

/**
 * Sums the usage records of one LLM run and prices each with `estimate` (the default cost estimator
 * as of the run's end), under the model its response named, else the model the request named. Cost
 * is left out when any record has no price (a partial sum would understate it).
 *
 * @example
 * usageOfRun(usageFromOutput(output), requestedModel(extraParams, metadata), getDefaultCostEstimator());
 */
export function usageOfRun(
  records: readonly ModelUsage[],
  requestModel: string | undefined,
  estimate: CostEstimator | undefined,
): RunUsage | undefined {
  const [first] = records;
  if (first === undefined) return undefined;
  // One record needs no sum: it is already a validated object of its own (usageFromOutput and
  // usageFromChunk parse into new objects), so it is used as it is.
  const usage = records.length === 1 ? first.usage : records.reduce((sum, record) => addUsage(sum, record.usage), ZERO);
  const cost = estimate === undefined ? undefined : costOf(records, requestModel, estimate);
  return cost === undefined ? { usage } : { usage, cost };
}

function costOf(
  records: readonly ModelUsage[],
  requestModel: string | undefined,
  estimate: CostEstimator,
): RunUsage["cost"] {
  const total = { prompt: 0, completion: 0, total: 0 };
  for (const record of records) {
    const model = record.model ?? requestModel;
    const cost = model === undefined ? undefined : estimate(model, record.usage);
    if (cost === undefined) return undefined;
    total.prompt += cost.input_cost;
    total.completion += cost.output_cost;
    total.total += cost.total_cost;
  }
  return total;
}
