import type { ModelUsage } from "../../callbacks/usage-from-output.js";
import type { RunEvent, RunType } from "../../schemas/index.js";
import type { RunPlacement } from "./run-placement.js";

/** What a start event says about a run. */
export interface RunStart {
  readonly run_type: RunType;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly serialized: Record<string, unknown> | undefined;
  readonly tags: string[];
  /**
   * `extra` as of the start, besides metadata: invocation params and friends. This copy is the run's
   * own: its record takes it over (and completes it) when the run ends, rather than copying it again.
   */
  readonly extra: Record<string, unknown>;
  /** `extra.metadata`, the run's own copy likewise. */
  readonly metadata: Record<string, unknown>;
  /** The model the request named, for pricing when the response names none. */
  readonly requestModel: string | undefined;
  readonly sessionName: string | undefined;
}

/**
 * The runs of one trace that a tracer holds: from the run that opened it in this tracer (its local
 * root) to that root's end, when all of it is released.
 */
export class TraceState {
  root: OpenRun | undefined = undefined;
  /** The last execution order handed out in this trace. */
  executionOrder = 0;
  released = false;
  // The runs held, linked through the runs themselves in the order they joined: a run joins and
  // leaves its trace once each, and a Set hashed and rehashed its small table at every child run.
  private first: OpenRun | undefined = undefined;
  private last: OpenRun | undefined = undefined;
  private count = 0;

  /** How many runs of the trace are held. */
  get size(): number {
    return this.count;
  }

  add(run: OpenRun): void {
    if (run.inTrace) return;
    run.inTrace = true;
    run.previousInTrace = this.last;
    run.nextInTrace = undefined;
    if (this.last === undefined) this.first = run;
    else this.last.nextInTrace = run;
    this.last = run;
    this.count++;
  }

  delete(run: OpenRun): void {
    if (!run.inTrace) return;
    run.inTrace = false;
    const { previousInTrace: previous, nextInTrace: next } = run;
    if (previous === undefined) this.first = next;
    else previous.nextInTrace = next;
    if (next === undefined) this.last = previous;
    else next.previousInTrace = previous;
    run.previousInTrace = undefined;
    run.nextInTrace = undefined;
    this.count--;
  }

  /** The runs held, in the order they joined (a copy: deleting while iterating is safe). */
  runs(): OpenRun[] {
    const held: OpenRun[] = [];
    for (let run = this.first; run !== undefined; run = run.nextInTrace) held.push(run);
    return held;
  }
}

/**
 * A new, empty trace state.
 *
 * @example
 * const trace = parent?.trace ?? newTraceState();
 */
export function newTraceState(): TraceState {
  return new TraceState();
}

/**
 * A run between its start and end events, as a RunTracer holds it.
 *
 * @example
 * const run = new OpenRun(placement, trace, ++trace.executionOrder, start);
 */
export class OpenRun {
  /** Start events received minus end events: one handler reached by two paths gets each event twice. */
  deliveries = 1;
  ended = false;
  /** Epoch microseconds of the first streamed token; -1 before it. */
  firstTokenMicros = -1;
  /** The first token and its indices, referenced (not copied) until the record builds its event. */
  firstToken: string | undefined = undefined;
  firstTokenIdx: unknown = undefined;
  /** The last streamed chunk seen, to recognize the same chunk delivered twice. */
  lastChunk: unknown = undefined;
  /** Every token's `new_token` event, kept only with `keepTokenEvents`. */
  tokenEvents: RunEvent[] | undefined = undefined;
  /** New-token events received (one per chunk), for the usage of a stream that fails before reporting it. */
  streamedTokens = 0;
  /** Usage reported on streamed chunks, used when the end event carries none. */
  streamed: ModelUsage[] | undefined = undefined;
  childExecutionOrder: number;
  /** Whether the run is one of its trace's held runs, and its neighbours there (see TraceState). */
  inTrace = false;
  previousInTrace: OpenRun | undefined = undefined;
  nextInTrace: OpenRun | undefined = undefined;

  constructor(
    readonly placement: RunPlacement,
    readonly trace: TraceState,
    readonly executionOrder: number,
    readonly start: RunStart,
  ) {
    this.childExecutionOrder = executionOrder;
  }
}
