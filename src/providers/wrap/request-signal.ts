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

/**
 * The same for a Fern-generated SDK call (Cohere: `chat(request, { abortSignal })`); the SDK joins
 * its own timeout to it.
 *
 * @example
 * abortSignalInRequestOptions(args, budget.signal); // args[1] = { ...args[1], abortSignal }
 */
export function abortSignalInRequestOptions(args: unknown[], signal: AbortSignal): void {
  const options = isRecord(args[1]) ? args[1] : {};
  args[1] = { ...options, abortSignal: joinSignals(options.abortSignal, signal) };
}

/**
 * The same for a Speakeasy-generated SDK call (Mistral: `chat.stream(request, { signal })`, and
 * `fetchOptions.signal` in its 1.x releases). The SDK applies its timeout (`timeoutMs`, the call's or
 * the client's) only when no signal is given: without the caller's signal, the timeout joins the budget's.
 *
 * @example
 * fetchSignalInRequestOptions(args, budget.signal, client._options.timeoutMs);
 */
export function fetchSignalInRequestOptions(args: unknown[], signal: AbortSignal, clientTimeoutMs: unknown): void {
  const options = isRecord(args[1]) ? args[1] : {};
  const fetchOptions = isRecord(options.fetchOptions) ? options.fetchOptions : {};
  const caller = options.signal ?? fetchOptions.signal;
  const timeoutMs = options.timeoutMs ?? clientTimeoutMs;
  const own =
    caller === undefined && typeof timeoutMs === "number" && timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : caller;
  const joined = joinSignals(own, signal);
  args[1] = { ...options, signal: joined, fetchOptions: { ...fetchOptions, signal: joined } };
}
