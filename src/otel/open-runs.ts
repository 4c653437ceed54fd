import type { Span } from "@opentelemetry/api";
import type { ModelUsage } from "../../callbacks/usage-from-output.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { RunTable } from "../../callbacks/run-table.js";
import type { ModelRequest } from "./attributes.js";
import { hrTimeFromMicros } from "./hr-time.js";
import { ATTR, UNFINISHED_REASON } from "./semconv.js";

/** The default bound on open runs: generous for real agents, small enough to cap a leak's memory. */
export const DEFAULT_MAX_OPEN_RUNS = 10_000;

/** A run whose span is open. */
export interface OpenRun {
  readonly span: Span;
  readonly runId: string;
  /** The root run's id: the LangSmith trace id. */
  readonly traceId: string;
  readonly dottedOrder: string;
  /** The span's start (epoch µs), never before its parent's. */
  readonly startMicros: number;
  /** Start of the latest child, so siblings get strictly increasing starts (and dotted orders). */
  lastChildMicros: number;
  /** When the first streamed token arrived (epoch µs); 0 until then. */
  firstTokenMicros: number;
  /** New-token events seen: an errored stream's usage is estimated from them (`streamedRemainder`). */
  streamedTokens: number;
  /** The last streamed chunk, so a chunk delivered twice (two callback paths) counts once. */
  lastChunk: unknown;
  /** Usage reported on streamed chunks (rare: Anthropic's message_start), for an errored stream's usage. */
  streamed: ModelUsage[] | undefined;
  /** Set for model calls: what the metrics are keyed by. */
  readonly model: ModelRequest | undefined;
  /** The run's name (the agent's name for agent runs). */
  readonly name: string;
  /** The run's `gen_ai.operation.name` (undefined for plain spans; a root chain may become a workflow). */
  operation: string | undefined;
  /** The chain operation its metadata asked for, which its children inherit and do not re-apply. */
  readonly operationOverride: string | undefined;
  /** The nearest agent run enclosing this one, itself for an agent: whose provider a model call names. */
  agent: OpenRun | undefined;
  /** For agent runs: `gen_ai.provider.name` is set. */
  providerSet: boolean;
  /** For a root plain chain: the name of the first agent it ran (two names make it a workflow). */
  firstAgentName: string | undefined;
}

/** The reason a span was ended without its run's end event (`runledger.run.unfinished`). */
export type UnfinishedReason = (typeof UNFINISHED_REASON)[keyof typeof UNFINISHED_REASON];

/**
 * The open runs of one handler, grouped by trace, with a bound: a run that never ends (an abandoned
 * stream, a crashed task, a forgotten end event) does not keep its span open forever.
 * - When a root run ends, its descendants that are still open are ended with it.
 * - When `maxOpenRuns` runs are open, the oldest trace is ended to make room.
 * Spans ended this way get `runledger.run.unfinished` = the reason; their later end events are ignored.
 *
 * @example
 * const open = new OpenRuns(DEFAULT_MAX_OPEN_RUNS);
 * open.reserve(nowMicros());
 * open.add(run);
 * const ended = open.take(run.runId);
 * if (ended && ended.runId === ended.traceId) open.endDescendants(ended.traceId, "root_ended", endMicros);
 */
export class OpenRuns {
  // Insertion order makes the first entry the oldest open run: its trace is the one evicted.
  private readonly runs = new RunTable<OpenRun>();
  // The open descendants of each root, in start order. A root alone (most model calls) has no entry,
  // and a root with one open descendant holds just its id: no Set is built for it.
  private readonly descendants = new Map<string, Set<string> | string>();
  private readonly maxOpenRuns: number;
  private warnedLimit = false;

  constructor(maxOpenRuns: number) {
    if (Number.isSafeInteger(maxOpenRuns) && maxOpenRuns >= 1) {
      this.maxOpenRuns = maxOpenRuns;
    } else {
      this.maxOpenRuns = DEFAULT_MAX_OPEN_RUNS;
      emitWarning(
        "invalid_option",
        `maxOpenRuns must be a positive integer, got ${String(maxOpenRuns)}; using ${DEFAULT_MAX_OPEN_RUNS}`,
      );
    }
  }

  /** How many runs are open. */
  get size(): number {
    return this.runs.size;
  }

  /** The open run with this id (one Map lookup: the per-token path uses it). */
  get(runId: string): OpenRun | undefined {
    return this.runs.get(runId);
  }

  /** True when a run with this id is open. */
  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** Makes room for one more run: ends the oldest trace when the limit is reached. */
  reserve(nowMicros: number): void {
    if (this.runs.size >= this.maxOpenRuns) this.evictOldestTrace(nowMicros);
  }

  /** Registers a run (call `reserve` first, before looking up its parent). */
  add(run: OpenRun): void {
    this.runs.set(run.runId, run);
    if (run.runId === run.traceId) return;
    const members = this.descendants.get(run.traceId);
    if (members === undefined) this.descendants.set(run.traceId, run.runId);
    else if (typeof members === "string") this.descendants.set(run.traceId, new Set([members, run.runId]));
    else members.add(run.runId);
  }

  /** Removes and returns the run (undefined when it is not open); its span is the caller's to end. */
  take(runId: string): OpenRun | undefined {
    const run = this.runs.get(runId);
    if (run === undefined) return undefined;
    this.runs.delete(runId);
    if (run.runId === run.traceId) return run;
    const members = this.descendants.get(run.traceId);
    if (typeof members === "string") {
      if (members === runId) this.descendants.delete(run.traceId);
    } else if (members !== undefined) {
      members.delete(runId);
      if (members.size === 0) this.descendants.delete(run.traceId);
    }
    return run;
  }

  /** Ends every still-open span of a trace (children before parents, the root last) and forgets the trace. */
  endTrace(traceId: string, reason: UnfinishedReason, endMicros: number): number {
    return this.endDescendants(traceId, reason, endMicros) + this.endUnfinished(traceId, reason, endMicros);
  }

  /**
   * Ends the still-open spans of a root's descendants (latest first) and forgets the trace: for a root
   * already taken, whose own span the caller ends (no lookup of the root, which is gone).
   */
  endDescendants(traceId: string, reason: UnfinishedReason, endMicros: number): number {
    // Called at every root's end: a root alone (no entry) or with one descendant builds no list.
    const members = this.descendants.get(traceId);
    if (members === undefined) return 0;
    this.descendants.delete(traceId);
    if (typeof members === "string") return this.endUnfinished(members, reason, endMicros);
    let ended = 0;
    for (const runId of [...members].reverse()) ended += this.endUnfinished(runId, reason, endMicros);
    return ended;
  }

  /** Ends every open span; returns how many were ended. */
  endAll(reason: UnfinishedReason, endMicros: number): number {
    let ended = 0;
    for (let oldest = this.runs.oldest(); oldest !== undefined; oldest = this.runs.oldest()) {
      ended += this.endTrace(oldest.traceId, reason, endMicros);
    }
    return ended;
  }

  // Ends one run's span as unfinished if it is still open; 1 when it was.
  private endUnfinished(runId: string, reason: UnfinishedReason, endMicros: number): number {
    const run = this.runs.get(runId);
    if (run === undefined) return 0;
    this.runs.delete(runId);
    run.span.setAttribute(ATTR.RUNLEDGER_RUN_UNFINISHED, reason);
    run.span.end(hrTimeFromMicros(Math.max(endMicros, run.startMicros)));
    return 1;
  }

  private evictOldestTrace(nowMicros: number): void {
    const oldest = this.runs.oldest();
    if (oldest === undefined) return;
    const ended = this.endTrace(oldest.traceId, UNFINISHED_REASON.OPEN_RUN_LIMIT, nowMicros);
    if (this.warnedLimit) return;
    this.warnedLimit = true;
    emitWarning(
      "otel_open_run_limit",
      `${this.maxOpenRuns} runs were open at once; ended the oldest trace (${ended} spans, marked ${ATTR.RUNLEDGER_RUN_UNFINISHED}). Runs that never end are usually missing end or error events.`,
    );
  }
}
