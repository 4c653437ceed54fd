import type { ModelUsage } from "../../callbacks/usage-from-output.js";
import type { CostContext, CostEstimator, Run, RunEvent } from "../../schemas/index.js";
import { assignFields } from "../../callbacks/assign-fields.js";
import { isoFromMicros } from "./clock.js";
import type { OpenRun } from "./open-run.js";
import { usageOfRun } from "./run-usage.js";

/** How a run ended; `endMicros` undefined for a run exported unfinished. */
export interface RunEnding {
  endMicros: number | undefined;
  outputs?: Record<string, unknown>;
  error?: string;
  /** Inputs given again at the end (LangChain.js's `kwargs.inputs`), replacing the start's. */
  inputs?: Record<string, unknown>;
  /** What the end event adds to `extra` (LangChain.js's end `extraParams`). */
  extra?: Record<string, unknown>;
  /** An LLM run's usage records (validated), summed and priced when the record is built. */
  usage?: readonly ModelUsage[];
  /** The cost estimator as of the run's end. */
  estimate?: CostEstimator;
}

/**
 * The complete Run record of a run: one object built once, after the run ended (or when its trace was
 * released before it ended: no `end_time`, status `pending`), in the background: the tracer queues a
 * builder at the end event and the export pipeline calls it, so formatting times, summing and pricing
 * usage stay off the caller's path. Everything that can still change is given at the end
 * (`ending`, `childExecutionOrder`); free-form parts are referenced, not copied, and made JSON-safe by
 * the export pipeline. Usage lands as the token counts, `outputs.usage_metadata` and
 * `extra.metadata.usage_metadata`, its cost in those usage records' `input_cost` / `output_cost` /
 * `total_cost` (where LangSmith reads it) and as the `*_cost` fields.
 *
 * @example
 * const ending = { endMicros: nowMicros(), outputs: { answer: 42 } };
 * const order = run.childExecutionOrder;
 * processor.onEnd(() => toRunRecord(run, ending, order));
 */
export function toRunRecord(run: OpenRun, ending: RunEnding, childExecutionOrder: number): Run {
  const { placement, start } = run;
  const startTime = isoFromMicros(placement.start_micros);
  const events: RunEvent[] = [{ name: "start", time: startTime }];
  // The start's extra and metadata are the run's own copies, recorded once: completed in place.
  const metadata = start.metadata;
  const usage =
    ending.usage === undefined
      ? undefined
      : usageOfRun(ending.usage, start.requestModel, ending.estimate, costContext(placement.start_micros, metadata));
  if (usage !== undefined) metadata.usage_metadata = usage.usage;
  // Formatted once: the first token's event and `first_token_time` are the same instant.
  const firstTokenTime = run.firstTokenMicros >= 0 ? isoFromMicros(run.firstTokenMicros) : undefined;
  if (run.tokenEvents !== undefined) events.push(...run.tokenEvents);
  else if (firstTokenTime !== undefined) {
    const kwargs = { token: run.firstToken, idx: run.firstTokenIdx };
    events.push({ name: "new_token", time: firstTokenTime, kwargs });
  }
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
    child_execution_order: childExecutionOrder,
    status: ending.endMicros === undefined ? "pending" : ending.error === undefined ? "success" : "error",
  };
  if (ending.endMicros !== undefined) {
    record.end_time = isoFromMicros(ending.endMicros);
    events.push({ name: ending.error === undefined ? "end" : "error", time: record.end_time });
  }
  if (ending.outputs !== undefined) record.outputs = ending.outputs;
  if (ending.error !== undefined) record.error = ending.error;
  if (firstTokenTime !== undefined) record.first_token_time = firstTokenTime;
  if (usage !== undefined) {
    const cost = usage.cost;
    if (record.outputs !== undefined && record.outputs !== null) record.outputs.usage_metadata = usage.usage;
    record.prompt_tokens = usage.usage.input_tokens;
    record.completion_tokens = usage.usage.output_tokens;
    record.total_tokens = usage.usage.total_tokens;
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

/** What the cost estimator knows of a run: its start (prices in force then) and its provider. */
function costContext(startMicros: number, metadata: Record<string, unknown>): CostContext {
  const provider = metadata.ls_provider;
  const at = startMicros / 1000;
  return typeof provider === "string" && provider.length > 0 ? { at, provider } : { at };
}
