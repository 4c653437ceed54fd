import type { Run, RunEvent } from "../../schemas/index.js";
import { assignFields } from "../../callbacks/assign-fields.js";
import { isoFromMicros } from "./clock.js";
import type { OpenRun } from "./open-run.js";
import type { RunUsage } from "./run-usage.js";

/** How a run ended; `endMicros` undefined for a run exported unfinished. */
export interface RunEnding {
  endMicros: number | undefined;
  outputs?: Record<string, unknown>;
  error?: string;
  /** Inputs given again at the end (LangChain.js's `kwargs.inputs`), replacing the start's. */
  inputs?: Record<string, unknown>;
  /** What the end event adds to `extra` (LangChain.js's end `extraParams`). */
  extra?: Record<string, unknown>;
  usage?: RunUsage;
}

/**
 * The complete Run record of a run: one object built once, when the run ends (or when its trace is
 * released before it ends: no `end_time`, status `pending`). Free-form parts are referenced, not
 * copied; the export pipeline makes them JSON-safe in the background. Usage lands as the token
 * counts, `outputs.usage_metadata` and `extra.metadata.usage_metadata`; its cost as the `*_cost` fields.
 *
 * @example
 * processor.onEnd(toRunRecord(run, { endMicros: nowMicros(), outputs: { answer: 42 } }));
 */
export function toRunRecord(run: OpenRun, ending: RunEnding): Run {
  const { placement, start } = run;
  const startTime = isoFromMicros(placement.start_micros);
  const events: RunEvent[] = [{ name: "start", time: startTime }];
  // The start's extra and metadata are the run's own copies, recorded once: completed in place.
  const metadata = start.metadata;
  if (ending.usage !== undefined) metadata.usage_metadata = ending.usage.usage;
  if (run.tokenEvents !== undefined) events.push(...run.tokenEvents);
  const record: Run = {
    id: placement.id,
    name: start.name,
    run_type: start.run_type,
    start_time: startTime,
    extra: extraOf(start.extra, ending.extra, metadata),
    serialized: start.serialized,
    events,
    inputs: ending.inputs ?? start.inputs,
    tags: start.tags,
    trace_id: placement.trace_id,
    dotted_order: placement.dotted_order,
    parent_run_id: placement.parent_run_id,
    session_name: start.sessionName,
    execution_order: run.executionOrder,
    child_execution_order: run.childExecutionOrder,
    status: ending.endMicros === undefined ? "pending" : ending.error === undefined ? "success" : "error",
  };
  if (ending.endMicros !== undefined) {
    record.end_time = isoFromMicros(ending.endMicros);
    events.push({ name: ending.error === undefined ? "end" : "error", time: record.end_time });
  }
  if (ending.outputs !== undefined) record.outputs = ending.outputs;
  if (ending.error !== undefined) record.error = ending.error;
  if (run.firstTokenMicros >= 0) record.first_token_time = isoFromMicros(run.firstTokenMicros);
  if (ending.usage !== undefined) {
    const { usage, cost } = ending.usage;
    if (record.outputs !== undefined && record.outputs !== null) record.outputs.usage_metadata = usage;
    record.prompt_tokens = usage.input_tokens;
    record.completion_tokens = usage.output_tokens;
    record.total_tokens = usage.total_tokens;
    if (cost !== undefined) {
      record.prompt_cost = cost.prompt;
      record.completion_cost = cost.completion;
      record.total_cost = cost.total;
    }
  }
  return record;
}

// `{ ...startExtra, ...endExtra, metadata }`, built by assignment onto the run's own start copy.
function extraOf(
  startExtra: Record<string, unknown>,
  endExtra: Record<string, unknown> | undefined,
  metadata: Record<string, unknown>,
): Record<string, unknown> {
  const extra = assignFields(startExtra, endExtra);
  extra.metadata = metadata;
  return extra;
}
