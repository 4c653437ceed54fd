import { compactFromMicros } from "./clock.js";

const SEGMENT = /^(\d{8}T\d{6})(\d{6})Z([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** One segment of a dotted order: a run's start time (epoch microseconds) and its id. */
export interface DottedOrderSegment {
  micros: number;
  runId: string;
}

/**
 * The dotted-order segment of a run: its UTC start time as `YYYYMMDDTHHMMSSffffffZ` followed by its id.
 *
 * @example
 * dottedOrderSegment(1714564800123456, "0190f0e4-0000-7000-8000-000000000000");
 * // → "20240501T120000123456Z0190f0e4-0000-7000-8000-000000000000"
 */
export function dottedOrderSegment(micros: number, runId: string): string {
  return `${compactFromMicros(micros)}Z${runId}`;
}

/**
 * A run's dotted order: the parent's plus `.` plus its own segment (just its segment for a root).
 *
 * @example
 * childDottedOrder(parent.dotted_order, startMicros, runId);
 */
export function childDottedOrder(parentDottedOrder: string | undefined, micros: number, runId: string): string {
  const segment = dottedOrderSegment(micros, runId);
  return parentDottedOrder === undefined ? segment : `${parentDottedOrder}.${segment}`;
}

/**
 * Parses and validates a dotted order; undefined when any segment is malformed or a child starts
 * before its parent.
 *
 * @example
 * parseDottedOrder("20240501T120000123456Z0190f0e4-0000-7000-8000-000000000000");
 * // → [{ micros: 1714564800123456, runId: "0190f0e4-0000-7000-8000-000000000000" }]
 */
export function parseDottedOrder(dottedOrder: string): DottedOrderSegment[] | undefined {
  const segments: DottedOrderSegment[] = [];
  for (const part of dottedOrder.split(".")) {
    const match = SEGMENT.exec(part);
    if (match === null) return undefined;
    const [, stamp = "", fraction = "", runId = ""] = match;
    const millis = Date.parse(
      `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
    );
    if (Number.isNaN(millis)) return undefined;
    const micros = millis * 1000 + Number(fraction);
    const parent = segments[segments.length - 1];
    if (parent !== undefined && micros < parent.micros) return undefined;
    segments.push({ micros, runId: runId.toLowerCase() });
  }
  return segments;
}
