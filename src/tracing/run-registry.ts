import type { RunPlacement } from "./run-placement.js";

/**
 * Something that knows where open runs sit (a RunTracer). `traceable` asks the handlers it starts a
 * run with, so a traced function called inside a run it did not start itself (a LangChain.js chain, a
 * run started by hand) still lands in that run's trace.
 */
export interface PlacementSource {
  placementOf(runId: string): RunPlacement | undefined;
}

// Placements handed over for the duration of one start event. Shared through globalThis so a
// traceable from one build (ESM or CJS) and a RunTracer from the other still agree.
const KEY = Symbol.for("runledger.handed-over-placements");
const holder = globalThis as { [KEY]?: Map<string, RunPlacement> };
const handedOver: Map<string, RunPlacement> = (holder[KEY] ??= new Map());

/**
 * Runs `start` (which dispatches the start event of run `placement.id`) with the placement handed
 * over: handlers read it with `handedOverPlacement` while they handle the start event, so the run is
 * recorded exactly where its starter placed it (same dotted order, trace id and start time, even under
 * a remote parent no handler knows). Dispatch is synchronous, so the entry lives only for that call:
 * nothing is retained afterwards, even if `start` throws.
 *
 * @example
 * const runManager = handOverPlacement(placement, () =>
 *   manager.handleChainStart(serialized, inputs, placement.id, "chain", undefined, undefined, name));
 */
export function handOverPlacement<T>(placement: RunPlacement, start: () => T): T {
  handedOver.set(placement.id, placement);
  try {
    return start();
  } finally {
    handedOver.delete(placement.id);
  }
}

/**
 * The placement handed over for run `runId`, when its start event is being dispatched by a starter
 * that placed it (`traceable`); undefined otherwise.
 *
 * @example
 * handleChainStart(chain, inputs, runId) { const placement = handedOverPlacement(runId) ?? placeMyself(runId); }
 */
export function handedOverPlacement(runId: string): RunPlacement | undefined {
  // Empty outside `traceable`'s start events: no lookup (a fresh id's first lookup hashes all of it).
  return handedOver.size === 0 ? undefined : handedOver.get(runId);
}

/**
 * How many placements are handed over right now (0 outside start events); for leak checks.
 *
 * @example
 * handedOverCount(); // 0
 */
export function handedOverCount(): number {
  return handedOver.size;
}

/**
 * The placement of run `runId` according to the first handler that knows it.
 *
 * @example
 * findPlacement(manager.handlers, manager.parentRunId);
 */
export function findPlacement(handlers: readonly object[], runId: string): RunPlacement | undefined {
  for (const handler of handlers) {
    if (!isPlacementSource(handler)) continue;
    const placement = handler.placementOf(runId);
    if (placement !== undefined) return placement;
  }
  return undefined;
}

/**
 * Whether any handler can place runs (a RunTracer is listening).
 *
 * @example
 * hasPlacementSource([new RunTracer()]); // true
 */
export function hasPlacementSource(handlers: readonly object[]): boolean {
  return handlers.some(isPlacementSource);
}

function isPlacementSource(handler: object): handler is PlacementSource {
  return typeof (handler as Partial<PlacementSource>).placementOf === "function";
}
