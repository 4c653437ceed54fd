import {
  BaseCallbackHandler,
  getDefaultCostEstimator,
  type NewTokenFields,
  type NewTokenIndices,
  type Serialized,
} from "../../callbacks/index.js";
import { usageFromChunk, usageFromOutput, usageFromRunOutputs } from "../../callbacks/usage-from-output.js";
import { erroredRunUsage } from "../../callbacks/streamed-usage.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { assignFields } from "../../callbacks/assign-fields.js";
import { requestedModel } from "../../callbacks/requested-model.js";
import { RunTable } from "../../callbacks/run-table.js";
import type { LLMResult, RunType } from "../../schemas/index.js";
import { BatchRunProcessor, type BatchRunProcessorOptions } from "../export/batch-run-processor.js";
import { JsonlRunExporter } from "../export/jsonl-run-exporter.js";
import type { RunExporter } from "../export/run-exporter.js";
import type { RunPrivacyOptions } from "../export/run-privacy.js";
import { isoFromMicros, nowMicros } from "./clock.js";
import { newTraceState, OpenRun, type RunStart, type TraceState } from "./open-run.js";
import { asRecord, runNameOf, runTypeOf, stringifyError } from "./run-fields.js";
import { placeChild, placeRoot, type RunPlacement } from "./run-placement.js";
import { toRunRecord, type RunEnding } from "./run-record.js";
import { approximateBytes } from "../export/approximate-bytes.js";
import { handedOverPlacement, type PlacementSource } from "./run-registry.js";

/**
 * Options of `RunTracer`. `hideInputs` / `hideOutputs` (default `LANGSMITH_HIDE_INPUTS` /
 * `LANGSMITH_HIDE_OUTPUTS`) apply to every run it exports, whatever the exporter; credentials are
 * always masked.
 */
export interface RunTracerOptions extends RunPrivacyOptions {
  /**
   * Receives each run once, when it ends, as one complete Run record. Default: a `JsonlRunExporter`
   * writing `runledger-traces.jsonl` (or `RUNLEDGER_TRACES_FILE`).
   */
  exporter?: RunExporter;
  /**
   * Record a `new_token` event per streamed token. Default false: only the first token's event is
   * kept (LangSmith's time to first token), O(1) memory per run.
   */
  keepTokenEvents?: boolean;
  /** The `session_name` of runs whose trace did not come with a project. */
  projectName?: string;
  /** Epoch microseconds now; default the process's monotonic microsecond clock. */
  clock?: () => number;
  /** Batching, queue bound and retries of the export (see `BatchRunProcessor`). */
  batch?: BatchRunProcessorOptions;
  /** Where runs that cannot be exported are kept for `runledger replay` (see `BatchRunProcessor`). */
  spoolDir?: string;
  /** Size cap of the spool directory. Default 64 MiB. */
  spoolMaxBytes?: number;
  /**
   * Open runs held at most: beyond it, the trace open longest is let go of, its runs exported
   * unfinished with a warning (runs whose end never comes must not hold memory forever). Default 20,000.
   */
  maxOpenRuns?: number;
  /** A trace whose root has been open this long is let go of the same way. Default 1 hour. */
  maxOpenMillis?: number;
}

/**
 * Turns callback events into LangSmith Run records and exports each run once, when it ends, in the
 * background (batched, off the caller's path).
 *
 * Placement: a run's `dotted_order` is its parent's plus `.` plus its own segment (UTC start time with
 * microseconds, then its id); `trace_id` is the root's id. A child never starts before its parent, and
 * each child starts strictly after its previous sibling (by a microsecond when the clock has not
 * moved), so siblings sort in execution order however many there are. A run whose parent this tracer
 * does not know becomes a root, with an `unknown_parent` warning. Runs started by `traceable` are
 * recorded exactly where `traceable` placed them (the placement is handed over at start), so
 * `getCurrentRun()` and the exported record agree, even under a remote parent from `fromHeaders()`.
 *
 * Lifetime: all state of a trace is released when its root ends. A run of the trace still open at
 * that moment (a child its parent did not wait for) is exported then, unfinished: no `end_time`,
 * status `pending`, whatever it had recorded so far. Its later end event finds nothing and only
 * produces an `unknown_run` warning; a child starting later becomes a new root (`unknown_parent`).
 * So a trace never holds memory past its root's end, whatever its children do. `size` counts the
 * runs held.
 *
 * Tokens: `first_token_time` is read at the first token, whose `new_token` event the record always
 * has; later tokens cost a map lookup (no allocation, no clock read) unless `keepTokenEvents` is set.
 *
 * @example
 * const tracer = new RunTracer({ exporter: new InMemoryRunExporter() });
 * await withCallbacks([tracer], () => agent.run("What is 2 + 2?"));
 * await tracer.forceFlush();
 */
export class RunTracer extends BaseCallbackHandler implements PlacementSource {
  name = "RunTracer";
  // Every method is synchronous: awaiting them is free and makes LangChain.js deliver events inline.
  override awaitHandlers = true;
  readonly projectName: string | undefined;
  private readonly runs = new RunTable<OpenRun>();
  private readonly maxOpenRuns: number;
  private readonly maxOpenMicros: number;
  private startsSinceAgeCheck = 0;
  private evictedUnreported = 0;
  private readonly processor: BatchRunProcessor;
  private readonly keepTokenEvents: boolean;
  private readonly clock: () => number;

  constructor(options: RunTracerOptions = {}) {
    super();
    this.projectName = options.projectName;
    this.keepTokenEvents = options.keepTokenEvents ?? false;
    this.clock = options.clock ?? nowMicros;
    const batch: BatchRunProcessorOptions = { ...options.batch };
    batch.spoolDir ??= options.spoolDir;
    batch.spoolMaxBytes ??= options.spoolMaxBytes;
    batch.hideInputs ??= options.hideInputs;
    batch.hideOutputs ??= options.hideOutputs;
    this.processor = new BatchRunProcessor(options.exporter ?? new JsonlRunExporter(), batch);
    this.maxOpenRuns = Math.max(1, options.maxOpenRuns ?? 20_000);
    this.maxOpenMicros = Math.max(0, options.maxOpenMillis ?? 3_600_000) * 1000;
  }

  /** How many runs this tracer holds (open runs of traces whose root has not ended). */
  get size(): number {
    return this.runs.size;
  }

  /** Runs exported so far, and runs dropped (queue full, export failed without a spool). */
  get exportStats(): { exported: number; dropped: number } {
    return { exported: this.processor.exportedCount, dropped: this.processor.droppedCount };
  }

  /** Runs written to the spool directory so far (see `spoolDir`). */
  get spooledCount(): number {
    return this.processor.spooledCount;
  }

  /** Where an open run sits; used by `traceable` to nest under runs it did not start. */
  placementOf(runId: string): RunPlacement | undefined {
    return this.runs.get(runId)?.placement;
  }

  /** Settles when every run ended so far has been exported (or dropped). */
  forceFlush(): Promise<void> {
    return this.processor.forceFlush();
  }

  /**
   * Flushes and shuts the exporter down, waiting at most `batch.shutdownTimeoutMillis` (30 s) for
   * in-flight exports; runs ending afterwards are dropped.
   */
  shutdown(): Promise<void> {
    return this.processor.shutdown();
  }

  handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.open(runId, parentRunId, "llm", runName, llm, { prompts: [...prompts] }, tags, metadata, extraParams);
  }

  handleChatModelStart(
    llm: Serialized,
    messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    // Copies of the lists: a caller that appends to its message list afterwards must not change the record.
    const copies: unknown[] = new Array<unknown>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const prompt: unknown = messages[i];
      copies[i] = Array.isArray(prompt) ? prompt.slice() : prompt;
    }
    const inputs = { messages: copies };
    this.open(runId, parentRunId, "llm", runName, llm, inputs, tags, metadata, extraParams);
  }

  handleLLMNewToken(
    token: string,
    idx: NewTokenIndices,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: NewTokenFields,
  ): void {
    const run = this.runs.get(runId);
    if (run === undefined || run.ended) return;
    const chunk = fields?.chunk;
    if (chunk !== undefined) {
      if (chunk === run.lastChunk) return; // the same chunk through a second delivery path
      run.lastChunk = chunk;
    }
    run.streamedTokens++;
    if (run.firstTokenMicros < 0) {
      // LangSmith derives time to first token from the first `new_token` event: always kept.
      run.firstTokenMicros = this.clock();
      run.firstToken = token;
      run.firstTokenIdx = idx;
    }
    if (this.keepTokenEvents) {
      (run.tokenEvents ??= []).push({ name: "new_token", time: isoFromMicros(this.clock()), kwargs: { token, idx } });
    }
    if (chunk !== undefined) {
      const usage = usageFromChunk(chunk);
      if (usage !== undefined) (run.streamed ??= []).push(usage);
    }
  }

  handleLLMEnd(
    output: LLMResult,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    this.close(runId, (run, endMicros) => {
      const found = usageFromOutput(output);
      const usage = found.length > 0 ? found : run.streamed;
      return {
        endMicros,
        outputs: asRecord(output, "output"),
        extra: extraParams,
        usage,
        estimate: getDefaultCostEstimator(),
      };
    });
  }

  handleLLMError(
    err: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    this.close(runId, (run, endMicros) => {
      // Tokens used before the failure were billed (the partial result's or the chunks' usage, plus
      // the tokens streamed past it, marked as an estimate); nothing streamed: nothing added.
      const { records: usage, estimate } = erroredRunUsage(
        extraParams,
        run.streamed,
        run.streamedTokens,
        run.start.requestModel,
      );
      const extra = estimate === undefined ? extraParams : { ...extraParams, usage_estimate: estimate };
      return { endMicros, error: stringifyError(err), extra, usage, estimate: getDefaultCostEstimator() };
    });
  }

  handleChainStart(
    chain: Serialized,
    inputs: Record<string, unknown>,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): void {
    this.open(runId, parentRunId, runTypeOf(runType), runName, chain, asRecord(inputs, "input"), tags, metadata);
  }

  handleChainEnd(
    outputs: Record<string, unknown>,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    kwargs?: { inputs?: Record<string, unknown> },
  ): void {
    this.close(runId, (_run, endMicros) => {
      // A traced function whose result carries usage_metadata gives its run that usage (langsmith's rule).
      const usage = usageFromRunOutputs(outputs);
      return {
        endMicros,
        outputs: asRecord(outputs, "output"),
        inputs: kwargs?.inputs === undefined ? undefined : asRecord(kwargs.inputs, "input"),
        ...(usage.length > 0 ? { usage, estimate: getDefaultCostEstimator() } : {}),
      };
    });
  }

  handleChainError(
    err: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    kwargs?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> },
  ): void {
    this.close(runId, (_run, endMicros) => ({
      endMicros,
      error: stringifyError(err),
      inputs: kwargs?.inputs === undefined ? undefined : asRecord(kwargs.inputs, "input"),
      // What a generator yielded before it threw.
      outputs: kwargs?.outputs === undefined ? undefined : asRecord(kwargs.outputs, "output"),
    }));
  }

  handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    const extra = toolCallId === undefined ? undefined : { tool_call_id: toolCallId };
    this.open(runId, parentRunId, "tool", runName, tool, asRecord(input, "input"), tags, metadata, extra);
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.close(runId, (_run, endMicros) => ({ endMicros, outputs: { output } }));
  }

  handleToolError(err: unknown, runId: string): void {
    this.close(runId, (_run, endMicros) => ({ endMicros, error: stringifyError(err) }));
  }

  handleRetrieverStart(
    retriever: Serialized,
    query: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.open(runId, parentRunId, "retriever", name, retriever, { query }, tags, metadata);
  }

  handleRetrieverEnd(documents: unknown[], runId: string): void {
    this.close(runId, (_run, endMicros) => ({ endMicros, outputs: { documents } }));
  }

  handleRetrieverError(err: unknown, runId: string): void {
    this.close(runId, (_run, endMicros) => ({ endMicros, error: stringifyError(err) }));
  }

  private open(
    runId: string,
    parentRunId: string | undefined,
    runType: RunType,
    runName: string | undefined,
    serialized: Serialized | undefined,
    inputs: Record<string, unknown>,
    tags: string[] | undefined,
    metadata: Record<string, unknown> | undefined,
    extraParams?: Record<string, unknown>,
  ): void {
    const known = this.runs.get(runId);
    if (known !== undefined) {
      known.deliveries++; // the same start through a second delivery path
      if (!this.learnsParent(known, parentRunId)) return;
      this.forget(known); // placed again below, under the parent it just learned
    }
    const handed = handedOverPlacement(runId);
    const parentId = handed === undefined ? parentRunId : handed.parent_run_id;
    const parent = parentId === undefined ? undefined : this.runs.get(parentId);
    const placement = handed ?? this.place(runId, parentRunId, parent);
    // A parent whose trace was already released cannot take new runs: this one starts its own.
    const trace: TraceState = parent !== undefined && !parent.trace.released ? parent.trace : newTraceState();
    const start: RunStart = {
      run_type: runType,
      name: runNameOf(runName, serialized, runType),
      inputs,
      serialized: serialized as Record<string, unknown> | undefined,
      tags: tags === undefined ? [] : [...tags],
      // Built by assignment, not spread: the record adds fields to these at the end (see assignFields).
      extra: assignFields({}, extraParams),
      metadata: assignFields({}, metadata),
      requestModel: runType === "llm" ? requestedModel(extraParams, metadata) : undefined,
      sessionName: placement.project_name ?? this.projectName,
    };
    const run = new OpenRun(placement, trace, ++trace.executionOrder, start);
    run.deliveries = known === undefined ? 1 : known.deliveries;
    trace.root ??= run;
    trace.add(run);
    this.runs.set(runId, run);
    this.bound(placement.start_micros);
  }

  /**
   * Lets go of the traces open longest while too many runs are held, and (checked every 256 starts,
   * an iterator each time) of those open longer than `maxOpenMillis`.
   */
  private bound(nowMicros: number): void {
    while (this.runs.size > this.maxOpenRuns) this.evict(this.runs.oldest() as OpenRun);
    if (++this.startsSinceAgeCheck < 256) return;
    this.startsSinceAgeCheck = 0;
    for (let oldest = this.runs.oldest(); oldest !== undefined; oldest = this.runs.oldest()) {
      if (nowMicros - oldest.placement.start_micros <= this.maxOpenMicros) break;
      this.evict(oldest);
    }
  }

  /** Exports the trace's open runs unfinished (as a root's end does) and forgets all of it. */
  private evict(run: OpenRun): void {
    const trace = run.trace;
    trace.released = true;
    for (const member of trace.runs()) {
      if (!member.ended) {
        member.ended = true;
        this.export(member, { endMicros: undefined });
        if (this.evictedUnreported++ === 0) setImmediate(() => this.reportEvicted()).unref();
      }
      this.forget(member);
    }
  }

  private reportEvicted(): void {
    emitWarning(
      "runs_evicted",
      `${this.evictedUnreported} run(s) never ended and were let go of (over ${this.maxOpenRuns} open runs, or open longer than ${this.maxOpenMicros / 1000} ms): exported unfinished`,
    );
    this.evictedUnreported = 0;
  }

  /**
   * Whether a second delivery of a start names a parent the first did not: LangChain.js calls
   * explicitly passed handlers with no parent for a root run, then the runledger scope's bridge with
   * the scope's run as parent. The run is re-placed under it while nothing else has happened to it.
   */
  private learnsParent(known: OpenRun, parentRunId: string | undefined): boolean {
    return (
      parentRunId !== undefined &&
      known.placement.parent_run_id === undefined &&
      !known.ended &&
      known.trace.root === known &&
      known.trace.size === 1 &&
      this.runs.has(parentRunId)
    );
  }

  private place(runId: string, parentRunId: string | undefined, parent: OpenRun | undefined): RunPlacement {
    if (parent !== undefined) return placeChild(parent.placement, runId, this.clock());
    if (parentRunId !== undefined) {
      emitWarning(
        "unknown_parent",
        `Run ${runId} names parent ${parentRunId}, which this tracer does not know; recorded as a root`,
      );
    }
    return placeRoot(runId, this.clock());
  }

  private close(runId: string, finish: (run: OpenRun, endMicros: number) => RunEnding): void {
    const run = this.runs.get(runId);
    if (run === undefined) {
      emitWarning(
        "unknown_run",
        `End of run ${runId}, which this tracer does not hold (never started here, or released with its trace)`,
      );
      return;
    }
    run.deliveries--;
    if (run.ended) {
      if (run.deliveries <= 0) this.forget(run); // the second delivery of an end already recorded
      return;
    }
    run.ended = true;
    const endMicros = Math.max(this.clock(), run.placement.start_micros);
    this.export(run, finish(run, endMicros));
    const parentId = run.placement.parent_run_id;
    const parent = parentId === undefined ? undefined : this.runs.get(parentId);
    if (parent !== undefined && parent.trace === run.trace) {
      parent.childExecutionOrder = Math.max(parent.childExecutionOrder, run.childExecutionOrder);
    }
    if (run.trace.root === run) this.release(run.trace);
    else if (run.deliveries <= 0) this.forget(run);
  }

  /** The root ended: export what is still open as unfinished and let go of the whole trace. */
  private release(trace: TraceState): void {
    trace.released = true;
    const root = trace.root;
    // A trace of one run (a lone model call): nothing else to export or let go of.
    if (trace.size === 1 && root !== undefined && root.ended) {
      if (root.deliveries <= 0) this.forget(root);
      return;
    }
    for (const run of trace.runs()) {
      if (!run.ended) {
        run.ended = true;
        this.export(run, { endMicros: undefined });
      }
      // The root stays only while a second delivery of its end is still due.
      if (run === trace.root && run.deliveries > 0) continue;
      this.forget(run);
    }
  }

  // Queues the run; its record is built in the background, from what is known now.
  private export(run: OpenRun, ending: RunEnding): void {
    const childExecutionOrder = run.childExecutionOrder;
    this.processor.onEnd(
      () => toRunRecord(run, ending, childExecutionOrder),
      approximateBytes(run.start.inputs) + approximateBytes(ending.outputs),
    );
  }

  private forget(run: OpenRun): void {
    this.runs.delete(run.placement.id);
    run.trace.delete(run);
  }
}
