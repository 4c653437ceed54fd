import { normalizeModelName } from "../cost/model-name.js";
import type { RunSummary } from "./run-summary.js";
import { isoToMillis } from "./run-summary.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";

/** Which runs a report covers. */
export interface RunFilter {
  /** Only runs that started at or after this time (epoch milliseconds). */
  since?: number;
  /** Only runs of this model (`gpt-4o-mini` also matches `gpt-4o-mini-2024-07-18`). */
  model?: string;
  /** Only runs of this trace. */
  trace?: string;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

/**
 * Reads a `--since` value: an ISO-8601 time, or a duration back from `now` such as `90s`, `2h`,
 * `1h30m`, `7d`. Throws a `RangeError` naming the value when it is neither.
 *
 * @example
 * parseSince("2h", Date.parse("2026-11-22T12:00:00Z")); // → Date.parse("2026-11-22T10:00:00Z")
 */
export function parseSince(value: string, now: number): number {
  const text = value.trim();
  if (/^(\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/i.test(text)) {
    let total = 0;
    for (const [, amount, unit] of text.toLowerCase().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
      total += Number(amount) * (UNIT_MS[unit ?? ""] ?? Number.NaN);
    }
    return now - total;
  }
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : isoToMillis(text);
  if (!Number.isFinite(time)) {
    throw new RunledgerError(
      "invalid_argument",
      `--since: "${value}" is neither an ISO-8601 time nor a duration like 30m, 2h or 7d`,
    );
  }
  return time;
}

/**
 * True when the run passes the filter. A model filter matches the run's model by name after
 * normalization, so dated and prefixed spellings of the same model match.
 *
 * @example
 * matchesFilter(summary, { model: "claude-sonnet-4-5", since: Date.now() - 3_600_000 });
 */
export function matchesFilter(run: RunSummary, filter: RunFilter): boolean {
  if (filter.trace !== undefined && run.traceId.toLowerCase() !== filter.trace.toLowerCase()) return false;
  if (filter.since !== undefined && !(run.start >= filter.since)) return false;
  if (filter.model !== undefined && !(run.model !== undefined && sameModel(run.model, filter.model))) return false;
  return true;
}

function sameModel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || normalizeModelName(a).base === normalizeModelName(b).base;
}
