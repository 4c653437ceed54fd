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
  // Most traces are a single run (one model call): a Set is only built when a second run joins.
  private single: OpenRun | undefined = undefined;
  private several: Set<OpenRun> | undefined = undefined;

  /** How many runs of the trace are held. */
  get size(): number {
    return this.several?.size ?? (this.single === undefined ? 0 : 1);
  }

  add(run: OpenRun): void {
    if (this.several !== undefined) this.several.add(run);
    else if (this.single === undefined) this.single = run;
    else if (this.single !== run) {
      this.several = new Set([this.single, run]);
      this.single = undefined;
    }
  }

  delete(run: OpenRun): void {
    if (this.several !== undefined) this.several.delete(run);
    else if (this.single === run) this.single = undefined;
  }

  /** The runs held, in the order they joined; deleting while iterating is safe. */
  runs(): Iterable<OpenRun> {
    return this.several ?? (this.single === undefined ? [] : [this.single]);
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

  constructor(
    readonly placement: RunPlacement,
    readonly trace: TraceState,
    readonly executionOrder: number,
    readonly start: RunStart,
  ) {
    this.childExecutionOrder = executionOrder;
  }
}
