import { z } from "zod";
import { UsdSchema as Usd, type UsageMetadata } from "./usage.js";

/**
 * The estimated cost of some usage, in USD. The detail maps break the input and output costs down by
 * token kind (`cache_read`, `cache_creation`, `reasoning`, `audio`, …); each detail is a part of its
 * side's cost, never an addition to it.
 */
export const CostEstimateSchema = z.object({
  input_cost: Usd,
  output_cost: Usd,
  total_cost: Usd,
  input_cost_details: z.record(z.string(), Usd),
  output_cost_details: z.record(z.string(), Usd),
});
export type CostEstimate = z.infer<typeof CostEstimateSchema>;

/** Prices one model's usage; undefined when the model has no price. */
export type CostEstimator = (model: string, usage: UsageMetadata) => CostEstimate | undefined;
