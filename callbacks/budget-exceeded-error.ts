import type { UsageMetadata } from "../schemas/index.js";
import { RunledgerError } from "./runledger-error.js";

/** Which limit a budget passed, and the usage and cost counted inside it at that point. */
export interface BudgetExceededInfo {
  limit: "maxCostUsd" | "maxTokens";
  /** The limit's value (USD or tokens). */
  max: number;
  /** Usage of every model call inside the budget: exact for ended calls, streamed tokens for calls in flight. */
  usage: UsageMetadata;
  /** USD, priced like `usage` (calls of models without a price add nothing). */
  cost: number;
}

/**
 * Rejects `withBudget` (and is the abort reason of `budget.signal`) when a limit was passed. `usage`
 * and `cost` are refreshed when `withBudget` settles, so they include the final usage the aborted
 * calls reported.
 *
 * @example
 * try {
 *   await withBudget({ maxCostUsd: 0.05 }, () => agent.run(task));
 * } catch (error) {
 *   if (error instanceof BudgetExceededError) console.log(error.cost, error.usage.total_tokens);
 * }
 */
export class BudgetExceededError extends RunledgerError {
  static override readonly marker: symbol = Symbol.for("runledger.error.BudgetExceededError");
  override readonly name: string = "BudgetExceededError";
  readonly limit: BudgetExceededInfo["limit"];
  readonly max: number;
  usage: UsageMetadata;
  cost: number;

  constructor(info: BudgetExceededInfo) {
    super("budget_exceeded", `Budget exceeded: ${info.limit} ${info.max}`);
    this.limit = info.limit;
    this.max = info.max;
    this.usage = info.usage;
    this.cost = info.cost;
  }
}
