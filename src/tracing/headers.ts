import { otelApi } from "../shared/otel-api.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { decodeBaggage, encodeBaggage } from "./baggage.js";
import { describeRun, type CurrentRun } from "./current-run.js";
import { parseDottedOrder } from "./dotted-order.js";
import { placementFromDottedOrder } from "./run-placement.js";
import { traceparent } from "./traceparent.js";

/** A run whose position can be propagated: a `CurrentRun`, or an exported Run record. */
export interface PropagatedRun {
  dotted_order: string;
  tags?: readonly string[] | null;
  metadata?: Readonly<Record<string, unknown>>;
  /** Read when `metadata` is absent (a Run record keeps its metadata here). */
  extra?: { metadata?: Record<string, unknown> } | null;
  project_name?: string;
  /** Read when `project_name` is absent (a Run record's project). */
  session_name?: string | null;
}

/** Incoming request headers: a fetch `Headers`, or a plain object such as Node's `req.headers`. */
export type IncomingHeaders =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Most segments accepted in a `langsmith-trace` header (the depth of the remote run). */
export const MAX_TRACE_SEGMENTS = 64;
// Each segment is 22 characters of time plus a 36-character UUID, then a dot.
const MAX_TRACE_LENGTH = MAX_TRACE_SEGMENTS * 59;

/**
 * The headers that let another service continue `run`'s trace: `langsmith-trace` (the dotted order)
 * and `baggage` (metadata, tags, project), byte for byte as the `langsmith` package's
 * `RunTree.toHeaders()` writes them (an empty `baggage` is left out), plus the W3C `traceparent`.
 * When `headers` is given, they are also set on it. When an OpenTelemetry span is active, the
 * `traceparent` is that span's, so distributed traces also join in OpenTelemetry backends. No run
 * (`toHeaders(getCurrentRun())` outside a traced function) or a malformed dotted order yields no
 * headers, with a warning.
 *
 * @example
 * await fetch("https://inventory.internal/check", { headers: toHeaders(getCurrentRun()!) });
 */
export function toHeaders(
  run: PropagatedRun | undefined,
  headers?: { set(name: string, value: string): void },
): Record<string, string> {
  if (typeof run !== "object" || run === null) {
    emitWarning("invalid_run", "toHeaders: no run given (called outside a traced function?); no trace headers written");
    return {};
  }
  const segments = typeof run.dotted_order === "string" ? parseDottedOrder(run.dotted_order) : undefined;
  const first = segments?.[0];
  const last = segments?.[segments.length - 1];
  if (first === undefined || last === undefined) {
    emitWarning("invalid_run", "toHeaders: the run has no valid dotted_order; no trace headers written");
    return {};
  }
  const result: Record<string, string> = { "langsmith-trace": run.dotted_order };
  const baggage = encodeBaggage({
    metadata: { ...(run.metadata ?? run.extra?.metadata) },
    tags: run.tags === undefined || run.tags === null ? undefined : [...run.tags],
    projectName: run.project_name ?? run.session_name ?? undefined,
  });
  if (baggage !== "") result.baggage = baggage;
  result.traceparent = activeSpanTraceparent() ?? traceparent(first.runId, last.runId);
  if (headers !== undefined) for (const [name, value] of Object.entries(result)) headers.set(name, value);
  return result;
}

/** The W3C `traceparent` of the active OpenTelemetry span, when there is a valid one. */
function activeSpanTraceparent(): string | undefined {
  const api = otelApi();
  const context = api.trace.getActiveSpan()?.spanContext();
  if (context === undefined || !api.isSpanContextValid(context)) return undefined;
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * The remote run that incoming headers describe, usable as `traceable`'s `parent` (local runs then
 * join its trace, under it, in its project); undefined when there is no usable `langsmith-trace`.
 * Reads what `langsmith`'s `RunTree.toHeaders()` writes. Headers are untrusted: `langsmith-trace` is
 * capped in length and depth and must be a valid dotted order; `baggage` is capped at 8 KiB and each
 * LangSmith entry is validated; whatever is malformed is ignored with a warning, and this never
 * throws. `traceparent` is not read: it carries no start time, so it cannot place a run.
 *
 * @example
 * app.post("/check", async (req, res) => {
 *   const check = traceable(checkInventory, { parent: fromHeaders(req.headers) });
 *   res.json(await check(req.body));
 * });
 */
export function fromHeaders(headers: IncomingHeaders): CurrentRun | undefined {
  try {
    const trace = readHeader(headers, "langsmith-trace");
    if (trace === undefined) return undefined;
    const dottedOrder = trace.trim();
    if (dottedOrder.length > MAX_TRACE_LENGTH || dottedOrder.split(".").length > MAX_TRACE_SEGMENTS) {
      emitWarning("invalid_header", `Ignored a langsmith-trace header deeper than ${MAX_TRACE_SEGMENTS} runs`);
      return undefined;
    }
    const baggageHeader = readHeader(headers, "baggage");
    const baggage = baggageHeader === undefined ? {} : decodeBaggage(baggageHeader);
    const placement = placementFromDottedOrder(dottedOrder, baggage.projectName);
    if (placement === undefined) {
      emitWarning("invalid_header", "Ignored a malformed langsmith-trace header");
      return undefined;
    }
    // A parent dated far ahead (year 9999) would make every local child start before it: invalid
    // dotted orders for the whole trace. Clocks of two services differ by seconds, not a day.
    if (placement.start_micros > (Date.now() + MAX_CLOCK_AHEAD_MS) * 1000) {
      emitWarning("invalid_header", "Ignored a langsmith-trace header dated more than a day ahead");
      return undefined;
    }
    return describeRun(placement, {
      name: "parent",
      run_type: "chain",
      tags: baggage.tags ?? [],
      metadata: baggage.metadata ?? {},
    });
  } catch (error) {
    emitWarning("invalid_header", "Ignored unreadable trace headers", error);
    return undefined;
  }
}

/** One header's value; several values of one header are joined as HTTP does (", "). */
function readHeader(headers: IncomingHeaders, name: string): string | undefined {
  if (typeof headers.get === "function") {
    const value = (headers as { get(name: string): string | null }).get(name);
    return typeof value === "string" ? value : undefined;
  }
  const record = headers as Readonly<Record<string, unknown>>;
  const key = name in record ? name : Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.join(", ");
  return undefined;
}
