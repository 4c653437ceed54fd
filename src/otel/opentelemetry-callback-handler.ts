import type { MeterProvider, Tracer, TracerProvider } from "@opentelemetry/api";
import {
  BaseCallbackHandler,
  type NewTokenFields,
  type NewTokenIndices,
  type Serialized,
} from "../../callbacks/index.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { usageFromChunk, usageFromOutput, type ModelUsage } from "../../callbacks/usage-from-output.js";
import { addUsage, type ChatGeneration, type LLMResult, type UsageMetadata } from "../../schemas/index.js";
import { otelApi } from "../shared/otel-api.js";
import { nowMicros } from "../tracing/clock.js";
import { childDottedOrder } from "../tracing/dotted-order.js";
import { modelRequest, recordOf, responseFields, setUsageAttributes, type ModelRequest } from "./attributes.js";
import {
  ContentRecorder,
  contentCaptureEnabled,
  inputMessagesFromChat,
  inputMessagesFromPrompts,
  outputMessages,
  parseArguments,
  splitSystemInstructions,
  type ContentMasker,
} from "./content.js";
import { erroredUsage } from "./errored-usage.js";
import { errorMessage, errorType, exceptionOf } from "./errors.js";
import { hrTimeFromMicros } from "./hr-time.js";
import { metricMetadataAttributes, setLangSmithAttributes } from "./langsmith-attributes.js";
import { setRequestAttributes } from "./request-params.js";
import { GenAIMetrics } from "./metrics.js";
import { DEFAULT_MAX_OPEN_RUNS, OpenRuns, type OpenRun } from "./open-runs.js";
import {
  chainShape,
  dataSourceOf,
  modelShape,
  operationOverrideOf,
  retrieverShape,
  maskedRunName,
  toolShape,
  workflowShape,
  type RunShape,
} from "./run-shape.js";
import {
  ATTR,
  OPERATION,
  UNFINISHED_REASON,
  providerNameFor,
  semconvVersion,
  takesSystemInstructions,
  type SemconvVersion,
} from "./semconv.js";
import { usageJson } from "./usage-json.js";

/** Options of `OpenTelemetryCallbackHandler`. */
export interface OpenTelemetryCallbackHandlerOptions {
  /** Where spans go; defaults to the global TracerProvider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Where the GenAI client metrics go; defaults to the global MeterProvider (a no-op until one is set). */
  meterProvider?: MeterProvider;
  /**
   * Record messages, tool arguments/results and retrieval queries on spans (`gen_ai.input.messages`,
   * `gen_ai.output.messages`, …). Defaults to `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`,
   * else off.
   */
  captureContent?: boolean;
  /** Redacts captured content before it is recorded (return undefined to drop it). */
  maskContent?: ContentMasker;
  /**
   * The LangSmith project the spans belong to (`langsmith.trace.session_name`, read by LangSmith's OTel
   * endpoint); default `LANGSMITH_PROJECT` (or `LANGCHAIN_PROJECT`), else none.
   */
  projectName?: string;
  /**
   * At most this many runs' spans are open at once (default 10 000); beyond it the oldest trace's
   * spans are ended, marked `runledger.run.unfinished`, so runs that never end cannot leak memory.
   */
  maxOpenRuns?: number;
  /**
   * Run metadata keys (e.g. `["user_id", "feature"]`) added to the GenAI metrics as
   * `langsmith.metadata.<key>` attributes. Only these: each distinct value is a new time series, so
   * keep to keys with a bounded set of values. Default none.
   */
  metricMetadataKeys?: readonly string[];
}

/** The name, kind and GenAI identity of a run about to start, plus what LangSmith shows of it. */
interface RunStart {
  runId: string;
  parentRunId: string | undefined;
  name: string;
  shape: RunShape;
  tags: readonly string[] | undefined;
  metadata: Readonly<Record<string, unknown>> | undefined;
  model?: ModelRequest;
  /** A model call's invocation params, read for the request attributes. */
  extraParams?: Record<string, unknown>;
}

/**
 * Turns runs into OpenTelemetry spans with the same tree: each run's span starts at its start event
 * and ends at its end or error event, with the real times. A child run's span is the child of its
 * parent run's span; a root run's span is the child of the span active when it started (e.g. the
 * user's HTTP server span). While a run's body executes through `runInContext` (`traceable`, the
 * provider wrappers), its span is the active span, so other instrumentations' spans (the HTTP
 * client's) nest under it.
 *
 * Spans follow the GenAI semantic conventions (model calls `chat {model}` / `text_completion {model}`
 * / `embeddings {model}` of kind CLIENT with provider, request parameters, response and usage incl.
 * cache and reasoning tokens; tools `execute_tool {name}`; agents and workflows, see `chainShape`)
 * and carry LangSmith's ingest attributes, so a LangSmith OTLP endpoint rebuilds the same run tree.
 * Model calls also feed the GenAI client metrics. Content is only captured when opted in.
 *
 * Only `@opentelemetry/api` is used: bring any SDK (or none; then everything is a no-op).
 *
 * @example
 * import { withCallbacks } from "runledger/callbacks";
 * import { OpenTelemetryCallbackHandler } from "runledger/otel";
 *
 * const otel = new OpenTelemetryCallbackHandler(); // global TracerProvider / MeterProvider
 * await withCallbacks([otel], () => agent.invoke("What is 2 + 2?"));
 */
export class OpenTelemetryCallbackHandler extends BaseCallbackHandler {
  name = "OpenTelemetryCallbackHandler";
  private readonly tracer: Tracer;
  private readonly metrics: GenAIMetrics;
  private readonly content: ContentRecorder | undefined;
  private readonly semconv: SemconvVersion;
  private readonly open: OpenRuns;
  private readonly metricMetadataKeys: readonly string[];
  private readonly projectName: string | undefined;

  constructor(options: OpenTelemetryCallbackHandlerOptions = {}) {
    super();
    // The global provider is a proxy: spans reach an SDK registered after this handler was built.
    this.tracer = (options.tracerProvider ?? otelApi().trace.getTracerProvider()).getTracer("runledger");
    this.metrics = new GenAIMetrics(options.meterProvider);
    // Undefined when capture is off: call sites check it before building any content.
    this.content = contentCaptureEnabled(options.captureContent) ? new ContentRecorder(options.maskContent) : undefined;
    this.semconv = semconvVersion();
    this.open = new OpenRuns(options.maxOpenRuns ?? DEFAULT_MAX_OPEN_RUNS);
    this.metricMetadataKeys = [...(options.metricMetadataKeys ?? [])];
    this.projectName = options.projectName ?? projectFromEnv();
  }

  /** How many runs have an open span (started, not yet ended). */
  get openSpanCount(): number {
    return this.open.size;
  }

  /**
   * Ends every open span now, marked `runledger.run.unfinished: "forced"`, and returns how many there
   * were. Call it before shutting the TracerProvider down so runs that never ended are exported too.
   *
   * @example
   * otel.endOpenSpans();
   * await tracerProvider.shutdown();
   */
  endOpenSpans(): number {
    return this.open.endAll(UNFINISHED_REASON.FORCED, nowMicros());
  }

  /** Runs `fn` (the body of run `runId`) with the run's span active. */
  wrapRunExecution<T>(runId: string, fn: () => T): T {
    const run = this.open.get(runId);
    if (run === undefined) return fn();
    const { context, trace } = otelApi();
    return context.with(trace.setSpan(context.active(), run.span), fn);
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
    const request = modelRequest(OPERATION.TEXT_COMPLETION, extraParams, metadata, llm);
    const run = this.startModel(request, llm, runId, parentRunId, extraParams, tags, metadata, runName);
    const content = this.contentFor(run);
    if (content !== undefined && run !== undefined) {
      content.record(run.span, { kind: "input.messages", messages: inputMessagesFromPrompts(prompts) });
      content.record(run.span, { kind: "run.inputs", value: { prompts } });
    }
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
    const request = modelRequest(OPERATION.CHAT, extraParams, metadata, llm);
    const run = this.startModel(request, llm, runId, parentRunId, extraParams, tags, metadata, runName);
    const content = this.contentFor(run);
    if (content !== undefined && run !== undefined) {
      const input = inputMessagesFromChat(messages);
      if (takesSystemInstructions(request.provider)) {
        const split = splitSystemInstructions(input);
        if (split.system.length > 0) content.record(run.span, { kind: "system.instructions", parts: split.system });
        content.record(run.span, { kind: "input.messages", messages: split.messages });
      } else {
        content.record(run.span, { kind: "input.messages", messages: input });
      }
      content.record(run.span, { kind: "run.inputs", value: { messages } });
    }
  }

  // Hot path: one Map lookup and a count per token, one clock read for the first token, no
  // allocation (but for the rare chunk that reports usage).
  handleLLMNewToken(
    _token: string,
    _idx: NewTokenIndices,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: NewTokenFields,
  ): void {
    const run = this.open.get(runId);
    if (run === undefined) return;
    const chunk = fields?.chunk;
    if (chunk !== undefined) {
      if (chunk === run.lastChunk) return; // the same chunk through a second delivery path
      run.lastChunk = chunk;
      const usage = usageFromChunk(chunk);
      if (usage !== undefined) (run.streamed ??= []).push(usage);
    }
    run.streamedTokens++;
    if (run.firstTokenMicros === 0) run.firstTokenMicros = nowMicros();
  }

  handleLLMEnd(output: LLMResult, runId: string): void {
    const run = this.open.take(runId);
    if (run === undefined) return;
    const endMicros = this.endMicros(run);
    this.finishModel(run, output, endMicros);
    const content = this.contentFor(run);
    if (content !== undefined) {
      content.record(run.span, { kind: "output.messages", messages: outputMessages(output) });
      content.record(run.span, { kind: "run.outputs", value: output });
    }
    this.close(run, endMicros);
  }

  handleLLMError(
    err: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    this.fail(runId, err, extraParams);
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
    // A chain may report as another LangSmith run type (e.g. `traceable(fn, { runType: "llm" })`).
    if (runType === "llm" || runType === "embedding") {
      const operation = runType === "llm" ? OPERATION.CHAT : OPERATION.EMBEDDINGS;
      this.startModel(
        modelRequest(operation, undefined, metadata, chain),
        chain,
        runId,
        parentRunId,
        undefined,
        tags,
        metadata,
        runName,
      );
      return;
    }
    if (runType === "tool") {
      this.handleToolStart(chain, "", runId, parentRunId, tags, metadata, runName);
      return;
    }
    if (runType === "retriever") {
      this.handleRetrieverStart(chain, "", runId, parentRunId, tags, metadata, runName);
      return;
    }
    const name = maskedRunName(runName, chain, "chain");
    // Metadata is inherited by child runs: the operation it asks for applies where it first appears.
    const override = operationOverrideOf(metadata);
    const parent = parentRunId === undefined ? undefined : this.open.get(parentRunId);
    const operation = override !== undefined && parent?.operationOverride !== override ? override : undefined;
    const run = this.start({
      runId,
      parentRunId,
      name,
      shape: chainShape(name, chain, runType, operation),
      tags,
      metadata,
    });
    if (run !== undefined) this.contentFor(run)?.record(run.span, { kind: "run.inputs", value: inputs });
  }

  handleChainEnd(outputs: Record<string, unknown>, runId: string): void {
    const run = this.open.take(runId);
    if (run === undefined) return;
    const endMicros = this.endMicros(run);
    // A chain reporting as a model call carries its usage the LangSmith way: outputs.usage_metadata.
    if (run.model !== undefined) this.finishModel(run, llmResultOf(outputs), endMicros);
    this.contentFor(run)?.record(run.span, { kind: "run.outputs", value: outputs });
    this.close(run, endMicros);
  }

  handleChainError(err: unknown, runId: string): void {
    this.fail(runId, err);
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
    const name = maskedRunName(runName, tool, "tool");
    const run = this.start({ runId, parentRunId, name, shape: toolShape(name, toolCallId, tool), tags, metadata });
    const content = this.contentFor(run);
    if (input.length > 0 && content !== undefined && run !== undefined) {
      content.record(run.span, { kind: "tool.arguments", value: parseArguments(input) });
      content.record(run.span, { kind: "run.inputs", value: { input } });
    }
  }

  handleToolEnd(output: unknown, runId: string): void {
    const run = this.open.take(runId);
    if (run === undefined) return;
    // A LangChain ToolMessage's result is its content.
    const content = this.contentFor(run);
    if (content !== undefined) {
      content.record(run.span, { kind: "tool.result", value: recordOf(output)?.content ?? output });
      content.record(run.span, { kind: "run.outputs", value: { output } });
    }
    this.close(run, this.endMicros(run));
  }

  handleToolError(err: unknown, runId: string): void {
    this.fail(runId, err);
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
    const runName = maskedRunName(name, retriever, "retriever");
    const shape = retrieverShape(dataSourceOf(metadata, runName));
    const run = this.start({ runId, parentRunId, name: runName, shape, tags, metadata });
    const content = this.contentFor(run);
    if (query.length > 0 && content !== undefined && run !== undefined) {
      content.record(run.span, { kind: "retrieval.query", value: query });
      content.record(run.span, { kind: "run.inputs", value: { query } });
    }
  }

  handleRetrieverEnd(documents: unknown[], runId: string): void {
    const run = this.open.take(runId);
    if (run === undefined) return;
    this.contentFor(run)?.record(run.span, { kind: "run.outputs", value: { documents } });
    this.close(run, this.endMicros(run));
  }

  handleRetrieverError(err: unknown, runId: string): void {
    this.fail(runId, err);
  }

  private startModel(
    request: ModelRequest,
    serialized: Serialized,
    runId: string,
    parentRunId: string | undefined,
    extraParams: Record<string, unknown> | undefined,
    tags: readonly string[] | undefined,
    metadata: Record<string, unknown> | undefined,
    runName: string | undefined,
  ): OpenRun | undefined {
    if (this.metricMetadataKeys.length > 0) {
      const dimensions = metricMetadataAttributes(metadata, this.metricMetadataKeys);
      if (dimensions !== undefined) request.dimensions = dimensions;
    }
    return this.start({
      runId,
      parentRunId,
      name: maskedRunName(runName, serialized, request.operation),
      shape: modelShape(request),
      tags,
      metadata,
      model: request,
      extraParams,
    });
  }

  private start(init: RunStart): OpenRun | undefined {
    if (this.open.has(init.runId)) {
      emitWarning("duplicate_run", `Run ${init.runId} was started twice; the second start is ignored`);
      return undefined;
    }
    const now = nowMicros();
    this.open.reserve(now);
    const parent = init.parentRunId === undefined ? undefined : this.open.get(init.parentRunId);
    // A child never starts before its parent, and siblings get strictly increasing starts so their
    // dotted orders sort in execution order.
    const startMicros = parent === undefined ? now : Math.max(now, parent.startMicros, parent.lastChildMicros + 1);
    if (parent !== undefined) parent.lastChildMicros = startMicros;
    const traceId = parent?.traceId ?? init.runId;
    const dottedOrder = childDottedOrder(parent?.dottedOrder, startMicros, init.runId);
    // Samplers see the attributes that identify the operation (the semconv's sampling-relevant ones).
    // Everything else is written straight onto the span, and only when it records: a sampled-out run
    // (or no SDK at all) costs no attribute work.
    const { context, trace } = otelApi();
    const active = context.active();
    const span = this.tracer.startSpan(
      init.shape.spanName,
      { kind: init.shape.spanKind, attributes: init.shape.attributes, startTime: hrTimeFromMicros(startMicros) },
      // A run whose parent this handler does not know (none, or started before it) is a root: it
      // nests under whatever span is active, e.g. the user's HTTP server span.
      parent === undefined ? active : trace.setSpan(active, parent.span),
    );
    if (span.isRecording()) {
      if (init.model !== undefined) setRequestAttributes(span, init.extraParams, init.metadata);
      setLangSmithAttributes(
        span,
        { runId: init.runId, traceId, parentRunId: parent?.runId, dottedOrder },
        { runType: init.shape.runType, name: init.name, tags: init.tags, metadata: init.metadata },
      );
      if (this.projectName !== undefined) span.setAttribute(ATTR.LANGSMITH_TRACE_SESSION_NAME, this.projectName);
    }
    const operation = init.shape.attributes[ATTR.GEN_AI_OPERATION_NAME];
    const run: OpenRun = {
      span,
      runId: init.runId,
      traceId,
      dottedOrder,
      startMicros,
      lastChildMicros: 0,
      firstTokenMicros: 0,
      streamedTokens: 0,
      lastChunk: undefined,
      streamed: undefined,
      model: init.model,
      name: init.name,
      operation: typeof operation === "string" ? operation : undefined,
      operationOverride: operationOverrideOf(init.metadata),
      agent: parent?.agent,
      providerSet: false,
      firstAgentName: undefined,
    };
    if (run.operation === OPERATION.INVOKE_AGENT) this.startAgent(run, parent, init.metadata);
    else if (init.model?.provider !== undefined) this.nameAgentProvider(run.agent, init.model.provider);
    this.open.add(run);
    return run;
  }

  // An agent run: the provider its metadata names, and the workflow it may make of its root.
  private startAgent(run: OpenRun, parent: OpenRun | undefined, metadata: RunStart["metadata"]): void {
    const enclosing = parent?.agent;
    run.agent = run;
    const lsProvider = metadata?.ls_provider;
    if (typeof lsProvider === "string" && lsProvider.length > 0)
      this.nameAgentProvider(run, providerNameFor(lsProvider));
    // A root plain chain that runs agents of two names (not nested in one another) groups agents: a workflow.
    if (enclosing !== undefined) return;
    const root = this.open.get(run.traceId);
    if (root === undefined || root === run || root.operation !== undefined || root.model !== undefined) return;
    if (root.firstAgentName === undefined) {
      root.firstAgentName = run.name;
    } else if (root.firstAgentName !== run.name) {
      const shape = workflowShape(root.name);
      root.operation = OPERATION.INVOKE_WORKFLOW;
      root.span.updateName(shape.spanName);
      root.span.setAttributes(shape.attributes);
    }
  }

  // gen_ai.provider.name of an agent (required by the spec): its metadata's, else its first model call's.
  private nameAgentProvider(agent: OpenRun | undefined, provider: string): void {
    if (agent === undefined || agent.providerSet) return;
    agent.providerSet = true;
    agent.span.setAttribute(ATTR.GEN_AI_PROVIDER_NAME, provider);
  }

  // Response, usage, streaming and metrics of a model call that ended without error.
  private finishModel(run: OpenRun, output: LLMResult, endMicros: number): void {
    const span = run.span;
    const usage = totalUsage(output);
    const recording = span.isRecording();
    const metricsOn = !this.metrics.isNoop();
    // The response model is a metric dimension too; the rest is only read for a recording span.
    const response = recording || metricsOn ? responseFields(output) : undefined;
    if (recording && response !== undefined) {
      if (response.id !== undefined) span.setAttribute(ATTR.GEN_AI_RESPONSE_ID, response.id);
      if (response.model !== undefined) span.setAttribute(ATTR.GEN_AI_RESPONSE_MODEL, response.model);
      if (response.finishReasons.length > 0)
        span.setAttribute(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, response.finishReasons);
      if (usage !== undefined) {
        setUsageAttributes(span, usage, this.semconv);
        span.setAttribute(ATTR.LANGSMITH_USAGE_METADATA, usageJson(usage));
      }
    }
    this.recordModelCall(run, endMicros, usage, response?.model, undefined, metricsOn);
  }

  private fail(runId: string, err: unknown, extraParams?: Record<string, unknown>): void {
    const run = this.open.take(runId);
    if (run === undefined) return;
    const endMicros = this.endMicros(run);
    const type = errorType(err);
    run.span.recordException(exceptionOf(err), hrTimeFromMicros(endMicros));
    run.span.setStatus({ code: otelApi().SpanStatusCode.ERROR, message: errorMessage(err) });
    run.span.setAttribute(ATTR.ERROR_TYPE, type);
    const usage = run.model === undefined ? undefined : this.failedModelUsage(run, extraParams);
    this.recordModelCall(run, endMicros, usage, undefined, type, !this.metrics.isNoop());
    this.close(run, endMicros);
  }

  // A failed model call's tokens were billed: its usage as the RunTracer exports it (erroredUsage),
  // on the span with the estimate marked. Undefined when nothing was reported or streamed.
  private failedModelUsage(run: OpenRun, extraParams: Record<string, unknown> | undefined): UsageMetadata | undefined {
    const { records, estimate } = erroredUsage(extraParams, run.streamed, run.streamedTokens, run.model?.model);
    const usage = sumUsage(records);
    if (usage === undefined || !run.span.isRecording()) return usage;
    setUsageAttributes(run.span, usage, this.semconv);
    run.span.setAttribute(ATTR.LANGSMITH_USAGE_METADATA, usageJson(usage));
    if (estimate !== undefined) run.span.setAttribute(ATTR.RUNLEDGER_USAGE_ESTIMATE, JSON.stringify(estimate));
    return usage;
  }

  // Streaming attributes and the GenAI metrics of a model call (no-op for other runs). Positional
  // arguments: run end is on the caller's path, and no record is built when metrics are off.
  private recordModelCall(
    run: OpenRun,
    endMicros: number,
    usage: UsageMetadata | undefined,
    responseModel: string | undefined,
    errorType: string | undefined,
    metricsOn: boolean,
  ): void {
    if (run.model === undefined) return;
    let timeToFirstChunkSeconds: number | undefined;
    if (run.firstTokenMicros > 0) {
      timeToFirstChunkSeconds = (run.firstTokenMicros - run.startMicros) / 1e6;
      run.span.setAttribute(ATTR.GEN_AI_REQUEST_STREAM, true);
      run.span.setAttribute(ATTR.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, timeToFirstChunkSeconds);
    }
    if (!metricsOn) return;
    this.metrics.recordModelCall({
      request: run.model,
      responseModel,
      durationSeconds: (endMicros - run.startMicros) / 1e6,
      errorType,
      usage,
      timeToFirstChunkSeconds,
    });
  }

  private close(run: OpenRun, endMicros: number): void {
    // A root's descendants that never ended are ended with it (before it, children first).
    if (run.runId === run.traceId) this.open.endDescendants(run.traceId, UNFINISHED_REASON.ROOT_ENDED, endMicros);
    run.span.end(hrTimeFromMicros(endMicros));
  }

  private endMicros(run: OpenRun): number {
    return Math.max(nowMicros(), run.startMicros);
  }

  // Content is built only when capture is on and the span records: otherwise nothing is converted.
  private contentFor(run: OpenRun | undefined): ContentRecorder | undefined {
    return run !== undefined && run.span.isRecording() ? this.content : undefined;
  }
}

// Usage summed over every generation (usageFromOutput validates and warns about bad counts).
function totalUsage(output: LLMResult): UsageMetadata | undefined {
  return sumUsage(usageFromOutput(output));
}

// One record needs no sum: the usage readers parse into new objects, so it is used as it is.
function sumUsage(records: readonly ModelUsage[]): UsageMetadata | undefined {
  if (records.length === 1) return records[0]?.usage;
  let total: UsageMetadata | undefined;
  for (const { usage } of records) total = addUsage(total, usage);
  return total;
}

// A chain's outputs as an LLM result: LLMResult-shaped outputs as they are, else one generation
// carrying outputs.usage_metadata / outputs.response_metadata (LangSmith's traceable convention).
function llmResultOf(outputs: Record<string, unknown>): LLMResult {
  if (Array.isArray(outputs.generations)) return outputs as unknown as LLMResult;
  const generation: ChatGeneration = {
    text: "",
    message: {
      content: "",
      // Untrusted: usageFromOutput validates it.
      usage_metadata: outputs.usage_metadata as UsageMetadata | undefined,
      response_metadata: recordOf(outputs.response_metadata),
    },
  };
  return { generations: [[generation]] };
}

// The project as the langsmith package reads it from the environment.
function projectFromEnv(): string | undefined {
  for (const name of ["LANGSMITH_PROJECT", "LANGCHAIN_PROJECT"]) {
    const value = process.env[name]?.trim();
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}
