import { AsyncLocalStorage } from "node:async_hooks";
import { insideTokenHandler, registerRunContextStorage } from "../../callbacks/context.js";
import { emitWarning } from "../../callbacks/warnings.js";
import type { RunType } from "../../schemas/index.js";
import { placementFromDottedOrder, placementStartTime, type RunPlacement } from "./run-placement.js";

/**
 * A run as `getCurrentRun()` and `fromHeaders()` describe it: what a child needs to join its trace and
 * what `toHeaders` propagates. The ids, dotted order and start time are exactly those the RunTracer
 * writes for the run.
 */
export interface CurrentRun {
  readonly id: string;
  readonly trace_id: string;
  readonly dotted_order: string;
  readonly name: string;
  readonly run_type: RunType;
  readonly parent_run_id: string | undefined;
  /** ISO-8601 UTC with microseconds, as in the Run record. */
  readonly start_time: string;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The LangSmith project, when the trace came with one (a `langsmith-project` baggage entry). */
  readonly project_name?: string;
}

interface Shared {
  storage: AsyncLocalStorage<CurrentRun>;
  placements: WeakMap<CurrentRun, RunPlacement>;
}

// Shared through globalThis: a traceable from the ESM build nested in one from the CJS build (or the
// other way round) still sees its parent.
const KEY = Symbol.for("runledger.current-run");
const holder = globalThis as { [KEY]?: Shared };
const shared: Shared = (holder[KEY] ??= { storage: new AsyncLocalStorage(), placements: new WeakMap() });
// Handlers run outside the run they handle (getCurrentRun() in a handler is not that run).
registerRunContextStorage(shared.storage as AsyncLocalStorage<unknown>);

/**
 * The run of the innermost `traceable` function being executed, or undefined outside any.
 *
 * @example
 * const answer = traceable(async (question: string) => {
 *   const run = getCurrentRun();
 *   await fetch(url, { headers: toHeaders(run!) }); // the remote service continues this trace
 * });
 */
export function getCurrentRun(): CurrentRun | undefined {
  return insideTokenHandler() ? undefined : shared.storage.getStore();
}

/**
 * Runs `fn` with `run` as the current run.
 *
 * @example
 * runAsCurrent(run, () => getCurrentRun() === run); // true
 */
export function runAsCurrent<T>(run: CurrentRun, fn: () => T): T {
  return shared.storage.run(run, fn);
}

/** What a run is, besides where it sits. */
export interface RunDescription {
  name: string;
  run_type: RunType;
  tags: readonly string[];
  metadata: Readonly<Record<string, unknown>>;
}

/**
 * The frozen `CurrentRun` of a placed run; it remembers its placement, so passing it as a `parent`
 * continues the same placement (sibling order included).
 *
 * @example
 * const run = describeRun(placeRoot(uuidv7(), nowMicros()), { name: "job", run_type: "chain", tags: [], metadata: {} });
 */
export function describeRun(placement: RunPlacement, description: RunDescription): CurrentRun {
  const run: CurrentRun = Object.freeze({
    id: placement.id,
    trace_id: placement.trace_id,
    dotted_order: placement.dotted_order,
    name: description.name,
    run_type: description.run_type,
    parent_run_id: placement.parent_run_id,
    start_time: placementStartTime(placement),
    tags: Object.freeze([...description.tags]),
    metadata: Object.freeze({ ...description.metadata }),
    ...(placement.project_name === undefined ? {} : { project_name: placement.project_name }),
  });
  shared.placements.set(run, placement);
  return run;
}

/**
 * The placement of a run given as a parent: its own when it came from `getCurrentRun()` or
 * `fromHeaders()`, else rebuilt from its dotted order, which must agree with its `id` and `trace_id`.
 * Undefined, with a warning, when it does not.
 *
 * @example
 * const parent = options.parent === undefined ? undefined : placementOfRun(options.parent);
 */
export function placementOfRun(run: CurrentRun): RunPlacement | undefined {
  const known = shared.placements.get(run);
  if (known !== undefined) return known;
  const rebuilt =
    typeof run.dotted_order === "string" ? placementFromDottedOrder(run.dotted_order, run.project_name) : undefined;
  if (
    rebuilt === undefined ||
    rebuilt.id !== run.id?.toLowerCase() ||
    rebuilt.trace_id !== run.trace_id?.toLowerCase()
  ) {
    emitWarning("invalid_parent", "Ignored a parent run whose dotted_order does not match its id and trace_id", run);
    return undefined;
  }
  return rebuilt;
}
