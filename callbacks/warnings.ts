import type { WarningCode } from "./warning-codes.js";

/** A problem runledger noticed and survived: bad input, a failing handler, a dropped run. */
export interface RunledgerWarning {
  /** A stable machine-readable code, one of `WARNING_CODES` (e.g. `handler_error`, `invalid_usage`). */
  code: WarningCode;
  message: string;
  /** The error or value behind the warning, when there is one. */
  cause?: unknown;
}

export type WarningListener = (warning: RunledgerWarning) => void;

// Shared through globalThis so the ESM and CJS builds, if both get loaded, report to the same place.
const LISTENERS_KEY = Symbol.for("runledger.warning-listeners");
const store = globalThis as { [LISTENERS_KEY]?: Set<WarningListener> };
const listeners: Set<WarningListener> = (store[LISTENERS_KEY] ??= new Set());

/**
 * Subscribes to runledger's warnings. While at least one listener is subscribed, warnings go only to
 * the listeners; otherwise they are printed with `console.warn`. Returns the unsubscribe function.
 *
 * @example
 * const stop = onWarning((w) => logger.warn({ code: w.code }, w.message));
 * // … later
 * stop();
 */
export function onWarning(listener: WarningListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Reports a warning to the listeners (or the console). Never throws. */
export function emitWarning(code: WarningCode, message: string, cause?: unknown): void {
  const warning: RunledgerWarning = cause === undefined ? { code, message } : { code, message, cause };
  if (listeners.size === 0) {
    console.warn(`[runledger] ${message}`);
    return;
  }
  for (const listener of listeners) {
    try {
      listener(warning);
    } catch {
      // A broken listener must not turn a warning into a crash of the caller.
    }
  }
}
