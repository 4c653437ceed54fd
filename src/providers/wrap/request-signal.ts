import { joinSignals } from "../../../callbacks/budget-context.js";
import { isRecord } from "../common/records.js";

/**
 * Puts `signal` in the request options of a Stainless-generated SDK call (OpenAI, Anthropic, Groq:
 * `create(body, { signal })`), joined with the caller's own signal: either aborts the call.
 *
 * @example
 * signalInRequestOptions(args, budget.signal); // args[1] = { ...args[1], signal }
 */
export function signalInRequestOptions(args: unknown[], signal: AbortSignal): void {
  const options = isRecord(args[1]) ? args[1] : {};
  args[1] = { ...options, signal: joinSignals(options.signal, signal) };
}
