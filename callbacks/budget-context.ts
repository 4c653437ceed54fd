import { AsyncLocalStorage } from "node:async_hooks";

// Shared through globalThis, like the callback context: the ESM and CJS builds see the same budget.
const KEY = Symbol.for("runledger.budget-signal");
const holder = globalThis as { [KEY]?: AsyncLocalStorage<AbortSignal> };
const storage: AsyncLocalStorage<AbortSignal> = (holder[KEY] ??= new AsyncLocalStorage());

/**
 * The abort signal of the innermost `withBudget` around the caller (it also fires when an enclosing
 * budget is exceeded); undefined outside any budget. Provider wrappers join it to the call's own signal.
 *
 * @example
 * const signal = currentBudgetSignal();
 * const options = signal === undefined ? callerOptions : { ...callerOptions, signal: joinSignals(callerOptions.signal, signal) };
 */
export function currentBudgetSignal(): AbortSignal | undefined {
  return storage.getStore();
}

/** Runs `fn` with `signal` as the current budget signal. */
export function runWithBudgetSignal<T>(signal: AbortSignal, fn: () => T): T {
  return storage.run(signal, fn);
}

/**
 * `budget` joined with the caller's own signal (either aborts the call); `budget` alone when the
 * caller gave none, or gave something that is not an AbortSignal.
 *
 * @example
 * request.signal = joinSignals(request.signal, currentBudgetSignal());
 */
export function joinSignals(caller: unknown, budget: AbortSignal): AbortSignal {
  return caller instanceof AbortSignal && caller !== budget ? AbortSignal.any([caller, budget]) : budget;
}
