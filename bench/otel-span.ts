// Benchmark 4: a chat-model run exported as an OpenTelemetry span with the GenAI attributes.
// runledger: OpenTelemetryCallbackHandler behind a CallbackManager (start + end events). Raw: hand-written
// OpenTelemetry SDK code that reads the same payload and sets the same attributes on a span. Both sides:
// one BasicTracerProvider + SimpleSpanProcessor + InMemorySpanExporter.
import { SpanKind, type Attributes, type Span, type Tracer } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";
import type { LLMResult, UsageMetadata } from "../schemas/index.js";
import { compare, type Contender } from "./harness.js";
import { callsOf, EXTRA_PARAMS, METADATA, MODEL, SERIALIZED } from "./payloads.js";
import { formatRatio, PAIR_HEADER, pairRow, type Section, type TargetCheck } from "./report.js";
import { rl } from "./subject.js";

// Ours may take at most 1.2 × the raw time (the target): peer / runledger ≥ 1 / 1.2.
const MAX_SLOWDOWN = 1.2;

type Calls = ReturnType<typeof callsOf>;

interface ResponseMessage {
  usage_metadata: UsageMetadata;
  response_metadata: { id: string; model_name: string; finish_reason: string };
}

/** Where the raw side puts its start attributes: all in `startSpan`, or only what samplers need (as runledger). */
type Placement = "all at creation" | "sampling ones at creation";

/**
 * What a careful hand instrumentation writes for one chat call: the GenAI request attributes and the
 * LangSmith ones at start, the response and usage at the end. The LangSmith run id and dotted order
 * are given (precomputed once), so the raw side does not even pay for making them. With
 * "sampling ones at creation", only the operation, provider and model go to `startSpan` and the rest
 * is set on the span right after, as runledger does: the SDK then copies fewer attributes.
 */
function rawChatSpan(
  tracer: Tracer,
  ids: { runId: string; dottedOrder: string },
  result: LLMResult,
  placement: Placement,
): void {
  const params = EXTRA_PARAMS.invocation_params;
  const identity: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": METADATA.ls_provider,
    "gen_ai.request.model": params.model,
  };
  const rest: Attributes = {
    "gen_ai.request.temperature": params.temperature,
    "gen_ai.request.max_tokens": params.max_tokens,
    "gen_ai.request.stream": params.stream,
    "langsmith.span.kind": "llm",
    "langsmith.trace.name": "ChatOpenAI",
    "langsmith.span.id": ids.runId,
    "langsmith.trace.id": ids.runId,
    "langsmith.span.dotted_order": ids.dottedOrder,
    "langsmith.metadata.ls_provider": METADATA.ls_provider,
    "langsmith.metadata.ls_model_type": METADATA.ls_model_type,
    "langsmith.metadata.ls_model_name": METADATA.ls_model_name,
    "langsmith.metadata.ls_temperature": METADATA.ls_temperature,
  };
  let span: Span;
  if (placement === "all at creation") {
    span = tracer.startSpan(`chat ${params.model}`, {
      kind: SpanKind.CLIENT,
      attributes: Object.assign(identity, rest),
    });
  } else {
    span = tracer.startSpan(`chat ${params.model}`, { kind: SpanKind.CLIENT, attributes: identity });
    span.setAttributes(rest);
  }
  const message = result.generations[0]?.[0] as { message: ResponseMessage } | undefined;
  if (message !== undefined) {
    const { usage_metadata: usage, response_metadata: response } = message.message;
    span.setAttribute("gen_ai.response.id", response.id);
    span.setAttribute("gen_ai.response.model", response.model_name);
    span.setAttribute("gen_ai.response.finish_reasons", [response.finish_reason]);
    span.setAttributes({
      "gen_ai.usage.input_tokens": usage.input_tokens,
      "gen_ai.usage.output_tokens": usage.output_tokens,
      "gen_ai.usage.cache_read.input_tokens": usage.input_token_details?.cache_read ?? 0,
      "gen_ai.usage.reasoning.output_tokens": usage.output_token_details?.reasoning ?? 0,
    });
    span.setAttribute("langsmith.usage_metadata", JSON.stringify(usage));
  }
  span.end();
}

/** Runs benchmark 4. */
export async function otelSpan(): Promise<Section> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const otel = new rl.OpenTelemetryCallbackHandler({ tracerProvider: provider });
  const manager = rl.CallbackManager.configure({ callbacks: [otel], metadata: METADATA });
  const rawTracer = provider.getTracer("raw");

  // One run of ours gives the ids the raw side reuses, and the attribute set both must produce.
  const [first] = callsOf(1);
  if (first === undefined) throw new Error("no payload");
  const run = manager.handleChatModelStart(SERIALIZED, first.messages, undefined, undefined, EXTRA_PARAMS);
  void run.handleLLMEnd(first.result);
  const reference = onlySpan(exporter);
  const ids = {
    runId: String(reference.attributes["langsmith.span.id"]),
    dottedOrder: String(reference.attributes["langsmith.span.dotted_order"]),
  };
  rawChatSpan(rawTracer, ids, first.result, "all at creation");
  const sameAttributes = sameShape(reference, onlySpan(exporter));
  rawChatSpan(rawTracer, ids, first.result, "sampling ones at creation");
  sameShape(reference, onlySpan(exporter));

  const ours: Contender<Calls> = {
    name: "runledger",
    setup: (ops) => callsOf(ops),
    run(calls) {
      for (const { messages, result } of calls) {
        void manager
          .handleChatModelStart(SERIALIZED, messages, undefined, undefined, EXTRA_PARAMS)
          .handleLLMEnd(result);
      }
    },
    teardown: () => exporter.reset(),
  };
  const raw = (placement: Placement): Contender<Calls> => ({
    name: "raw OpenTelemetry SDK",
    setup: (ops) => callsOf(ops),
    run(calls) {
      for (const { result } of calls) rawChatSpan(rawTracer, ids, result, placement);
    },
    teardown: () => exporter.reset(),
  });

  const rows: string[][] = [];
  const checks: TargetCheck[] = [];
  for (const placement of ["all at creation", "sampling ones at creation"] as const) {
    const [oursStats, peerStats] = await compare(ours, raw(placement));
    rows.push(pairRow(`chat run → span with GenAI attributes (raw: ${placement})`, oursStats, peerStats).row);
    const slowdown = oursStats.medianNs / peerStats.medianNs;
    checks.push({
      label: `4. OpenTelemetry span ≤ ${MAX_SLOWDOWN}× raw SDK code (raw: start attributes ${placement})`,
      met: slowdown <= MAX_SLOWDOWN,
      measured: `runledger takes ${formatRatio(slowdown)}× the raw time`,
    });
  }
  return {
    title: "4. OpenTelemetry: a run exported as a span",
    header: PAIR_HEADER,
    rows,
    checks,
    notes: [
      `Both sides: BasicTracerProvider + SimpleSpanProcessor + InMemorySpanExporter (reset after each sample); span \`chat ${MODEL}\`, kind CLIENT, ${Object.keys(reference.attributes).length} attributes. ${sameAttributes}`,
      "runledger: CallbackManager.handleChatModelStart (makes the run id) + handleLLMEnd with OpenTelemetryCallbackHandler: reads the request parameters, provider and model from the events, builds the LangSmith dotted order, reads response and usage from the LLMResult (validated), and would record the GenAI client metrics, but the global MeterProvider is the API's no-op here: the handler detects its no-op instruments and builds no metric attributes. It gives startSpan only the attributes samplers need (operation, provider, model) and sets the rest on the span once it is known to record.",
      "Raw: the attributes written by hand from the same payload, with the run id and dotted order precomputed (the raw side pays nothing to make them). Two variants: every start attribute passed to startSpan (the usual hand instrumentation; the SDK copies them twice), and the same placement as runledger (fewer copies: the stricter comparison).",
    ],
  };
}

function onlySpan(exporter: InMemorySpanExporter): ReadableSpan {
  const spans = exporter.getFinishedSpans();
  exporter.reset();
  const [span] = spans;
  if (spans.length !== 1 || span === undefined) throw new Error(`expected one span, got ${spans.length}`);
  return span;
}

/** Checks both spans have the same name, kind and attribute keys and values (ids aside). */
function sameShape(ours: ReadableSpan, raw: ReadableSpan): string {
  const keys = Object.keys(ours.attributes).sort();
  const rawKeys = Object.keys(raw.attributes).sort();
  if (ours.name !== raw.name || ours.kind !== raw.kind || keys.join() !== rawKeys.join()) {
    throw new Error(`spans differ: ${ours.name} [${keys.join(", ")}] vs ${raw.name} [${rawKeys.join(", ")}]`);
  }
  for (const key of keys) {
    if (JSON.stringify(ours.attributes[key]) !== JSON.stringify(raw.attributes[key])) {
      throw new Error(
        `attribute ${key} differs: ${JSON.stringify(ours.attributes[key])} vs ${JSON.stringify(raw.attributes[key])}`,
      );
    }
  }
  return "Checked: both spans have the same name, kind and attributes (keys and values).";
}
