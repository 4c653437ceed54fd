import type { UsageMetadata } from "../schemas/index.js";
import type { UsageGroup } from "./usage-groups.js";
import { withCallbacks } from "./context.js";
import { isThenable } from "./is-thenable.js";
import { scopeExtensionsReady } from "./scope-extensions.js";
import { UsageMetadataCallbackHandler, type UsageMetadataCallbackHandlerOptions } from "./usage-handler.js";

/** What `withUsageMetadata` resolves to. */
export interface UsageMetadataResult<T> {
  result: T;
  /** Usage per model of every run inside the scope (the handler's `usageMetadata`). */
  usage: Record<string, UsageMetadata>;
  /** With `options.groupBy`: usage and cost per distinct metadata values and model (see `UsageGroup`). */
  groups?: UsageGroup[];
}

/**
 * Runs `fn` with a fresh `UsageMetadataCallbackHandler` ambient and returns fn's result with the usage
 * of every model call made inside, per model. Scopes nest (inner calls count in every enclosing scope)
 * and concurrent scopes never see each other's calls. If `fn` throws, the error propagates and the
 * usage recorded so far stays readable on the handler `fn` received.
 *
 * @example
 * const { result, usage } = await withUsageMetadata(async () => {
 *   await openai.chat.completions.create({ model: "gpt-4o-mini", messages });
 *   return anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 100, messages });
 * });
 * usage["gpt-4o-mini-2024-07-18"].total_tokens;
 *
 * @example
 * // Cost per customer and feature: metadata set on a traceable (or a LangChain.js config) is inherited.
 * const ask = traceable(callModel, { metadata: { user_id: "u1", feature: "chat" } });
 * const { groups } = await withUsageMetadata(() => ask("Hi"), { groupBy: ["user_id", "feature"] });
 * // [{ key: { user_id: "u1", feature: "chat" }, model: "gpt-4o-mini-2024-07-18", usage: {…}, cost: {…} }]
 */
export async function withUsageMetadata<T>(
  fn: (handler: UsageMetadataCallbackHandler) => T | Promise<T>,
  options?: UsageMetadataCallbackHandlerOptions,
): Promise<UsageMetadataResult<Awaited<T>>> {
  const handler = new UsageMetadataCallbackHandler(options);
  // Optional bridges (LangChain.js) load asynchronously; without this a scope opened right after
  // start-up could miss the calls they would have caught.
  const loading = scopeExtensionsReady();
  if (loading !== undefined) await loading;
  const value = withCallbacks([handler], () => fn(handler));
  // A synchronous fn's result is not awaited: no turn of the microtask queue for it.
  const result = (isThenable(value) ? await value : value) as Awaited<T>;
  return options?.groupBy === undefined
    ? { result, usage: handler.usageMetadata }
    : { result, usage: handler.usageMetadata, groups: handler.groups };
}
