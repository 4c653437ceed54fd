import { Budget, type BudgetLimits } from "./budget.js";
import { currentBudgetSignal, runWithBudgetSignal } from "./budget-context.js";
import { withCallbacks } from "./context.js";
import { scopeExtensionsReady } from "./scope-extensions.js";

/**
 * Runs `fn(budget)` with a spending limit enforced inside the app. Every model call inside (wrapped
 * clients, LangChain.js through the bridge, the AI SDK middleware, `Promise.all` branches included)
 * is counted as it streams; past `maxCostUsd` or `maxTokens` the calls in flight are aborted through
 * `budget.signal`, a call started afterwards is refused before it is sent, and `withBudget` rejects
 * with `BudgetExceededError` (its `usage` and `cost` include what the aborted calls reported). With
 * `onExceeded`, that is called once instead and the work goes on. Budgets nest: an enclosing budget's
 * limit also aborts the calls of the inner one, so the tightest wins.
 *
 * @example
 * import { BudgetExceededError, withBudget } from "runledger";
 *
 * try {
 *   await withBudget({ maxCostUsd: 0.02 }, async () => {
 *     for (;;) await agentStep(); // a runaway loop
 *   });
 * } catch (error) {
 *   if (error instanceof BudgetExceededError) console.log(`stopped at $${error.cost.toFixed(4)}`);
 * }
 */
export async function withBudget<T>(limits: BudgetLimits, fn: (budget: Budget) => T | Promise<T>): Promise<T> {
  const budget = new Budget(limits, currentBudgetSignal());
  // As in withUsageMetadata: the LangChain.js bridge must be loaded before calls are made.
  const loading = scopeExtensionsReady();
  if (loading !== undefined) await loading;
  let result: T;
  try {
    result = await runWithBudgetSignal(budget.signal, () => withCallbacks([budget], () => fn(budget)));
  } catch (error) {
    throw refreshed(budget) ?? error;
  }
  // The work may have caught the aborts itself: the budget was still passed.
  const exceeded = refreshed(budget);
  if (exceeded !== undefined) throw exceeded;
  return result;
}

// This budget's error, with the usage and cost counted by now (aborted calls report theirs as they end).
function refreshed(budget: Budget) {
  const error = budget.exceeded;
  if (error === undefined) return undefined;
  error.usage = budget.usage;
  error.cost = budget.cost;
  return error;
}
