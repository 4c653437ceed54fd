export { RunTracer, type RunTracerOptions } from "./run-tracer.js";
export { traceable, type TraceableOptions } from "./traceable.js";
export { getCurrentRun, type CurrentRun } from "./current-run.js";
export { toHeaders, fromHeaders, MAX_TRACE_SEGMENTS, type PropagatedRun, type IncomingHeaders } from "./headers.js";
export { MAX_BAGGAGE_LENGTH } from "./baggage.js";
export { dottedOrderSegment, childDottedOrder, parseDottedOrder, type DottedOrderSegment } from "./dotted-order.js";
export type { RunPlacement } from "./run-placement.js";
export { handedOverPlacement, type PlacementSource } from "./run-registry.js";
