import type { ModelUsage } from "../../callbacks/index.js";
import type { RunEvent, RunType } from "../../schemas/index.js";
import type { RunPlacement } from "./run-placement.js";

/** What a start event says about a run. */
export interface RunStart {
  readonly run_type: RunType;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly serialized: Record<string, unknown> | undefined;
  readonly tags: string[];
  /** `extra` as of the start, besides metadata: invocation params and friends. */
  readonly extra: Record<string, unknown>;
  /** `extra.metadata`. */
  readonly metadata: Record<string, unknown>;
  /** The model the request named, for pricing when the response names none. */
  readonly requestModel: string | undefined;
  readonly sessionName: string | undefined;
}

/**
 * The runs of one trace that a tracer holds: from the run that opened it in this tracer (its local
 * root) to that root's end, when all of it is released.
 */
export interface TraceState {
  root: OpenRun | undefined;
  readonly open: Set<OpenRun>;
  /** The last execution order handed out in this trace. */
  executionOrder: number;
  released: boolean;
}

/**
 * A new, empty trace state.
 *
 * @example
 * const trace = parent?.trace ?? newTraceState();
 */
export function newTraceState(): TraceState {
  return { root: undefined, open: new Set(), executionOrder: 0, released: false };
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
  /** The last streamed chunk seen, to recognize the same chunk delivered twice. */
  lastChunk: unknown = undefined;
  tokenEvents: RunEvent[] | undefined = undefined;
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
