import type { CostEstimate, CostEstimator, LLMResult, UsageMetadata } from "../schemas/index.js";
import { getDefaultCostEstimator } from "./default-cost-estimator.js";
import { ModelRunHandler } from "./model-run-handler.js";
import { type NewTokenFields, type NewTokenIndices } from "./base-callback-handler.js";
import { requestedModel } from "./requested-model.js";
import { RunTable } from "./run-table.js";
import { erroredRunUsage } from "./streamed-usage.js";
import { usageFromChunk, usageFromOutput, type ModelUsage } from "./usage-from-output.js";
import { UsageGroups, type GroupKeyValue, type UsageGroup } from "./usage-groups.js";
import { UsageTotals } from "./usage-totals.js";

/** Options of `UsageMetadataCallbackHandler`. */
export interface UsageMetadataCallbackHandlerOptions {
  /** Prices usage for `costs`; defaults to the estimator set by `setDefaultCostEstimator`. */
  estimateCost?: CostEstimator;
  /**
   * Metadata keys (e.g. `["user_id", "feature"]`) to attribute usage by, read from each model run's
   * metadata (inherited from a `traceable`, a LangChain.js config or `CallbackManager.configure`):
   * `groups` then holds usage and cost per distinct values and model.
   */
  groupBy?: readonly string[];
}

interface RunState {
  /** Start events seen minus end events seen: a handler that is both ambient and passed to LangChain.js
   * explicitly receives each event twice, and the run must still count once. */
  open: number;
  /** The model the request asked for (`ls_model_name`, else the invocation params' model). */
  requestModel?: string;
  lastChunk?: unknown;
  /** New-token events seen, for the usage of a stream that fails before reporting it (`erroredRunUsage`). */
  tokens?: number;
  /** Usage seen on streamed chunks, used only when the end event carries none. */
  streamed?: ModelUsage[];
  /** The run's `groupBy` values, when grouping. */
  groupValues?: GroupKeyValue[];
}

const UNKNOWN_MODEL = "unknown";

/**
 * Sums token usage per model over every LLM and chat-model run it sees. Keys are the model the
 * response names (`response_metadata.model_name`), else `ls_model_name`, else the requested model,
 * else `"unknown"`: usage is never dropped. Each run is counted once, from its end event, or from its
 * streamed chunks when the end event carries no usage.
 *
 * @example
 * const handler = new UsageMetadataCallbackHandler();
 * await model.invoke("Hello", { callbacks: [handler] });
 * handler.usageMetadata;
 * // { "gpt-4o-mini-2024-07-18": { input_tokens: 8, output_tokens: 10, total_tokens: 18, … } }
 */
export class UsageMetadataCallbackHandler extends ModelRunHandler {
  name = "UsageMetadataCallbackHandler";
  private readonly totals = new UsageTotals();
  private readonly runs = new RunTable<RunState>();
  private readonly estimateCost: CostEstimator | undefined;
  private readonly groupTotals: UsageGroups | undefined;

  constructor(options: UsageMetadataCallbackHandlerOptions = {}) {
    super();
    this.estimateCost = options.estimateCost;
    if (options.groupBy !== undefined) this.groupTotals = new UsageGroups([...options.groupBy]);
  }

  /**
   * Usage per model name. A snapshot: it stays as it is while later runs are counted (read the
   * property again for the new totals). Assign `{}` to start counting from zero.
   */
  get usageMetadata(): Record<string, UsageMetadata> {
    return this.totals.snapshot();
  }

  set usageMetadata(usage: Record<string, UsageMetadata>) {
    this.totals.reset(usage);
    this.groupTotals?.reset();
  }

  /**
   * With the `groupBy` option: usage and cost per distinct metadata values and model, in first-seen
   * order (runs lacking a key are grouped under null for it). Without it: an empty list.
   */
  get groups(): UsageGroup[] {
    return this.groupTotals?.list(this.estimateCost ?? getDefaultCostEstimator()) ?? [];
  }

  /** Cost per model name, for the models that have a price (see `unpricedModels` for the others). */
  get costs(): Record<string, CostEstimate> {
    const estimate = this.estimateCost ?? getDefaultCostEstimator();
    const costs: Record<string, CostEstimate> = {};
    if (estimate === undefined) return costs;
    for (const [model, usage] of Object.entries(this.usageMetadata)) {
      const cost = estimate(model, usage);
      if (cost !== undefined) costs[model] = cost;
    }
    return costs;
  }

  /** The models with usage but no price. */
  get unpricedModels(): string[] {
    const priced = this.costs;
    return Object.keys(this.usageMetadata).filter((model) => !(model in priced));
  }

  handleLLMNewToken(
    _token: string,
    _idx: NewTokenIndices,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: NewTokenFields,
  ): void {
    // Hot path: a lookup and a count; only chunks that carry usage (usually the last one) cost more.
    const chunk = fields?.chunk;
    let state = this.runs.get(runId);
    if (state !== undefined) {
      if (chunk !== undefined && state.lastChunk === chunk) return; // the same chunk, a second delivery path
      state.lastChunk = chunk;
      state.tokens = (state.tokens ?? 0) + 1;
    }
    if (chunk === undefined) return;
    const found = usageFromChunk(chunk);
    if (found === undefined) return;
    if (state === undefined) this.runs.set(runId, (state = { open: 1, lastChunk: chunk }));
    (state.streamed ??= []).push(found);
  }

  handleLLMEnd(output: LLMResult, runId: string): void {
    const state = this.close(runId);
    if (state === null) return;
    const found = usageFromOutput(output);
    const records = found.length > 0 ? found : (state?.streamed ?? []);
    this.record(records, state);
  }

  handleLLMError(
    _err: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    // Tokens a broken or abandoned stream used were still billed: count the partial result the
    // producer passed along (`extraParams.response`, as LangChain does), else what the chunks reported.
    const state = this.close(runId);
    if (state === null) return;
    // LangChain.js passes no partial result: the tokens it streamed count, as withBudget counts them.
    this.record(erroredRunUsage(extraParams, state?.streamed, state?.tokens ?? 0, state?.requestModel).records, state);
  }

  protected openRun(runId: string, extraParams?: Record<string, unknown>, metadata?: Record<string, unknown>): void {
    const state = this.runs.get(runId);
    if (state !== undefined) state.open++;
    else
      this.runs.set(runId, {
        open: 1,
        requestModel: requestedModel(extraParams, metadata),
        groupValues: this.groupTotals?.valuesOf(metadata),
      });
  }

  /** The run's state at its last end event; null for an earlier duplicate end (count nothing yet). */
  private close(runId: string): RunState | undefined | null {
    const state = this.runs.get(runId);
    if (state === undefined) return undefined;
    if (--state.open > 0) return null;
    this.runs.delete(runId);
    return state;
  }

  private record(records: readonly ModelUsage[], state: RunState | undefined): void {
    for (const { model, usage } of records) {
      const key = model ?? state?.requestModel ?? UNKNOWN_MODEL;
      this.totals.add(key, usage);
      // A run whose start this handler never saw has no metadata: it is grouped under null, not lost.
      this.groupTotals?.add(state?.groupValues ?? this.groupTotals.valuesOf(undefined), key, usage);
    }
  }
}
