import type { CostEstimator } from "../schemas/index.js";

// callbacks/ may not import the price table (it lives in src/), so src/ registers it here when the
// main entry loads; shared through globalThis so the ESM and CJS builds see the same estimator.
const KEY = Symbol.for("runledger.default-cost-estimator");
const slot = globalThis as { [KEY]?: CostEstimator };

/**
 * Sets the estimator that usage handlers use when none is passed to them. Importing `runledger`
 * installs the built-in price table; call this to replace it (or with undefined to turn cost off).
 *
 * @example
 * setDefaultCostEstimator((model, usage) => model === "my-model"
 *   ? { input_cost: usage.input_tokens * 1e-6, output_cost: 0, total_cost: usage.input_tokens * 1e-6,
 *       input_cost_details: {}, output_cost_details: {} }
 *   : undefined);
 */
export function setDefaultCostEstimator(estimator: CostEstimator | undefined): void {
  slot[KEY] = estimator;
}

/** The estimator set by `setDefaultCostEstimator`, if any. */
export function getDefaultCostEstimator(): CostEstimator | undefined {
  return slot[KEY];
}
