import { constants } from "node:os";
import { emitWarning } from "../../callbacks/warnings.js";
import { flushAll } from "./flush-all.js";
import { lifecycleState, spoolAll } from "./flushables.js";

/** The signals that end a process by default and leave time to save runs (SIGKILL leaves none). */
export const FLUSHED_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/** How long runs are flushed after a signal before the rest is spooled; `RUNLEDGER_SIGNAL_FLUSH_MS`. */
export const DEFAULT_SIGNAL_FLUSH_MS = 3_000;

function signalFlushMillis(): number {
  const configured = Number(process.env.RUNLEDGER_SIGNAL_FLUSH_MS);
  return process.env.RUNLEDGER_SIGNAL_FLUSH_MS !== undefined && configured >= 0 ? configured : DEFAULT_SIGNAL_FLUSH_MS;
}

/**
 * The signal listener: flushes every processor within the deadline, spools what is left, then gives
 * the signal its default behaviour back: when the app has no listener of its own for it, the process
 * is ended by the same signal (same exit status as without runledger); when it has one, that listener
 * decides, and runledger does not end the process. A second signal during the flush stops waiting.
 *
 * @example
 * process.on("SIGTERM", onSignal);
 */
export function onSignal(signal: NodeJS.Signals): void {
  const state = lifecycleState();
  if (state.signalled !== undefined) {
    finish(signal);
    return;
  }
  state.signalled = signal;
  void flushAll({ timeoutMs: signalFlushMillis() }).then(
    () => finish(signal),
    () => finish(signal),
  );
}

function finish(signal: NodeJS.Signals): void {
  const state = lifecycleState();
  if (state.signalled === undefined) return; // a second signal finished already
  state.signalled = undefined;
  spoolAll();
  const ours = state.hooks?.signal;
  if (process.listeners(signal).some((listener) => listener !== ours)) return; // the app's own handler decides
  for (const name of FLUSHED_SIGNALS) if (ours !== undefined) process.off(name, ours);
  try {
    process.kill(process.pid, signal);
  } catch (error) {
    emitWarning("signal_reraise_failed", `Could not end the process with ${signal} after flushing`, error);
    process.exit(128 + (constants.signals[signal] ?? 0)); // the status a shell reports for that signal
  }
}
