import type { Callbacks } from "../../../callbacks/index.js";

/** Options every provider client wrapper accepts. */
export interface WrapClientOptions {
  /** Handlers for this client's runs, in addition to the ambient ones (`withCallbacks`, `withUsageMetadata`). */
  callbacks?: Callbacks;
  /** Tags of every run of this client. */
  tags?: readonly string[];
  /** Metadata of every run of this client (the `ls_*` keys read from each request take precedence). */
  metadata?: Readonly<Record<string, unknown>>;
  /** The runs' name; defaults to the LangChain chat model class that makes the same call (e.g. "ChatOpenAI"). */
  runName?: string;
}

/**
 * The options of a client wrapped twice: handlers and tags of both, metadata merged, and the later
 * value of every other option.
 *
 * @example
 * mergeWrapOptions({ tags: ["a"], runName: "x" }, { tags: ["b"] }); // { tags: ["a", "b"], runName: "x" }
 */
export function mergeWrapOptions<O extends WrapClientOptions>(earlier: O, later: O): O {
  const merged: O = { ...earlier, ...stripUndefined(later) };
  const callbacks = mergeCallbacks(earlier.callbacks, later.callbacks);
  if (callbacks !== undefined) merged.callbacks = callbacks;
  if (earlier.tags !== undefined || later.tags !== undefined)
    merged.tags = [...(earlier.tags ?? []), ...(later.tags ?? [])];
  if (earlier.metadata !== undefined || later.metadata !== undefined)
    merged.metadata = { ...earlier.metadata, ...later.metadata };
  return merged;
}

// Two handler lists add up; a CallbackManager (which carries more than a list) is taken as given.
function mergeCallbacks(earlier: Callbacks | undefined, later: Callbacks | undefined): Callbacks | undefined {
  if (Array.isArray(earlier) && Array.isArray(later)) return [...earlier, ...later];
  return later ?? earlier;
}

function stripUndefined<O extends object>(options: O): Partial<O> {
  const out: Partial<O> = {};
  for (const key of Object.keys(options) as (keyof O)[]) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}
