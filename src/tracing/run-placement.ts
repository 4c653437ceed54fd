import { isoFromMicros } from "./clock.js";
import { childDottedOrder, dottedOrderSegment, parseDottedOrder } from "./dotted-order.js";

/**
 * Where a run sits in its trace: its ids, dotted order and start time. One object per run, shared by
 * reference between `traceable` and every RunTracer that records the run, so they all write the same
 * values, and so children placed by different parties still get strictly increasing start times.
 */
export interface RunPlacement {
  readonly id: string;
  readonly trace_id: string;
  readonly parent_run_id: string | undefined;
  readonly dotted_order: string;
  /** Start time in epoch microseconds: the time written in the run's own dotted-order segment. */
  readonly start_micros: number;
  /** The LangSmith project of the trace, when a remote parent named one; children inherit it. */
  readonly project_name: string | undefined;
  /** Start of the latest child placed under this run: the next child starts strictly later. */
  last_child_micros: number;
}

/**
 * Places a run that starts a trace.
 *
 * @example
 * const root = placeRoot(uuidv7(), nowMicros());
 * root.dotted_order; // "20240501T120000123456Z0190f0e4-…"
 */
export function placeRoot(id: string, micros: number, projectName?: string): RunPlacement {
  return {
    id,
    trace_id: id,
    parent_run_id: undefined,
    dotted_order: dottedOrderSegment(micros, id),
    start_micros: micros,
    project_name: projectName,
    last_child_micros: micros - 1,
  };
}

/**
 * Places a child of `parent` that starts at `nowMicros`, clamped so that it never starts before its
 * parent and starts strictly after the previous child: dotted orders of siblings then sort in the
 * order the children started, however many there are (LangSmith's own tie-break stops at 999).
 *
 * @example
 * const child = placeChild(root, uuidv7(), nowMicros());
 * child.dotted_order.startsWith(`${root.dotted_order}.`); // true
 */
export function placeChild(parent: RunPlacement, id: string, nowMicros: number): RunPlacement {
  const micros = Math.max(nowMicros, parent.last_child_micros + 1);
  parent.last_child_micros = micros;
  return {
    id,
    trace_id: parent.trace_id,
    parent_run_id: parent.id,
    dotted_order: childDottedOrder(parent.dotted_order, micros, id),
    start_micros: micros,
    project_name: parent.project_name,
    last_child_micros: micros - 1,
  };
}

/**
 * The placement a dotted order describes (a run known only from its dotted order, e.g. a remote
 * parent from a `langsmith-trace` header); undefined when the dotted order is malformed.
 *
 * @example
 * placementFromDottedOrder("20240501T120000123456Z0190f0e4-0000-7000-8000-000000000000")?.id;
 * // "0190f0e4-0000-7000-8000-000000000000"
 */
export function placementFromDottedOrder(dottedOrder: string, projectName?: string): RunPlacement | undefined {
  const segments = parseDottedOrder(dottedOrder);
  const first = segments?.[0];
  const last = segments?.[segments.length - 1];
  if (segments === undefined || first === undefined || last === undefined) return undefined;
  return {
    id: last.runId,
    trace_id: first.runId,
    parent_run_id: segments[segments.length - 2]?.runId,
    // Rebuilt from the parsed segments: canonical (lower-case ids) whatever the input's case.
    dotted_order: segments.map((segment) => dottedOrderSegment(segment.micros, segment.runId)).join("."),
    start_micros: last.micros,
    project_name: projectName,
    last_child_micros: last.micros - 1,
  };
}

/**
 * The placement's start time as LangSmith serializes it (ISO-8601 UTC with microseconds).
 *
 * @example
 * placementStartTime(placeRoot(id, 1714564800123456)); // "2024-05-01T12:00:00.123456Z"
 */
export function placementStartTime(placement: RunPlacement): string {
  return isoFromMicros(placement.start_micros);
}
