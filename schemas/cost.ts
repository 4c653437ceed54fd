import type { z } from "zod";
import { lazySchema } from "./lazy-zod.js";
import { UsdSchema as Usd, type UsageMetadata } from "./usage.js";

/**
 * The estimated cost of some usage, in USD. The detail maps break the input and output costs down by
 * token kind (`cache_read`, `cache_creation`, `reasoning`, `audio`, …); each detail is a part of its
 * side's cost, never an addition to it.
 */
export const CostEstimateSchema = lazySchema((z) =>
  z.object({
    input_cost: Usd,
    output_cost: Usd,
    total_cost: Usd,
    input_cost_details: z.record(z.string(), Usd),
    output_cost_details: z.record(z.string(), Usd),
    /** True when the figures are the provider's own (e.g. OpenRouter's `usage.cost`), not an estimate. */
    reported: z.literal(true).optional(),
  }),
);
export type CostEstimate = z.infer<typeof CostEstimateSchema>;

/** What a cost estimator may know about a call besides its model and usage. */
export interface CostContext {
  /** The provider that served the call (LangChain `ls_provider` names: `openai`, `amazon_bedrock`, `azure`, …). */
  provider?: string;
  /** When the call was made (a `Date`, epoch milliseconds or an ISO-8601 string): prices in force then apply. */
  at?: Date | number | string;
}

/** Prices one model's usage; undefined when the model has no price. Tracers pass each run's start time as `at`. */
export type CostEstimator = (model: string, usage: UsageMetadata, context?: CostContext) => CostEstimate | undefined;
