/**
 * The W3C `traceparent` of a run: version 00, the trace id as the 32 hex digits of the trace's root
 * run id, the parent (span) id as the last 16 hex digits of the run's id, and the sampled flag (01).
 *
 * @example
 * traceparent("0190f0e4-0000-7000-8000-000000000001", "0190f0e4-0000-7000-8000-0000000000aa");
 * // "00-0190f0e4000070008000000000000001-80000000000000aa-01"
 */
export function traceparent(traceId: string, runId: string): string {
  const traceHex = traceId.replace(/-/g, "").toLowerCase();
  const spanHex = runId.replace(/-/g, "").toLowerCase().slice(-16);
  return `00-${traceHex}-${spanHex}-01`;
}
