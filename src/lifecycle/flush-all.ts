import { awaitAllCallbacks } from "../../callbacks/index.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { settledWithin } from "../../callbacks/handler-timeout.js";
import { liveFlushables } from "./flushables.js";

/** Options of `flushAll`. */
export interface FlushAllOptions {
  /** The most it waits, in ms; default 10,000. What is not exported by then stays queued. */
  timeoutMs?: number;
}

/** How long `flushAll` waits when no `timeoutMs` is given. */
export const DEFAULT_FLUSH_ALL_TIMEOUT_MS = 10_000;

/**
 * Flushes every tracer and batch processor of the process: waits for callback handlers still running,
 * then until every run ended so far is exported (or spooled, or counted as dropped), within
 * `timeoutMs`. Resolves `true` when everything settled in time, `false` (with a `flush_timeout`
 * warning) when the deadline passed first; it rejects only for an invalid `timeoutMs`. For serverless platforms that freeze the
 * process once the response is sent: hand it to `waitUntil`, or await it before returning.
 *
 * @throws RunledgerError (`invalid_argument`) when `timeoutMs` is not a non-negative number.
 * @example
 * import { waitUntil } from "@vercel/functions";
 * import { flushAll } from "runledger";
 *
 * export async function GET() {
 *   const answer = await answerQuestion();
 *   waitUntil(flushAll({ timeoutMs: 5_000 }));
 *   return Response.json(answer);
 * }
 */
export async function flushAll(options: FlushAllOptions = {}): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FLUSH_ALL_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RunledgerError(
      "invalid_argument",
      `flushAll: timeoutMs must be a non-negative number of ms, got ${String(timeoutMs)}`,
    );
  }
  const deadline = Date.now() + timeoutMs;
  await awaitAllCallbacks({ timeoutMs });
  const flushes = Promise.allSettled(liveFlushables().map((target) => target.forceFlush()));
  const settled = await settledWithin(flushes, deadline - Date.now());
  if (!settled) emitWarning("flush_timeout", `flushAll: runs still being exported after ${timeoutMs} ms`);
  return settled;
}
