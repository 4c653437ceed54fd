import type { Attributes, Histogram, MeterProvider } from "@opentelemetry/api";
import { otelApi } from "../shared/otel-api.js";
import type { UsageMetadata } from "../../schemas/index.js";
import type { ModelRequest } from "./attributes.js";
import { ATTR, METRIC, TOKEN_TYPE } from "./semconv.js";

// The API's no-op meter hands out one shared no-op histogram: a provider's instruments that are all it
// record nothing, so a call's metric attributes are not even built.
let noopHistogram: Histogram | undefined;
const NOOP_HISTOGRAM = (): Histogram =>
  (noopHistogram ??= otelApi().createNoopMeter().createHistogram("runledger.noop"));

/** One finished model call, as the metrics see it. */
export interface ModelCallRecord {
  request: ModelRequest;
  responseModel?: string;
  durationSeconds: number;
  /** Set when the call failed. */
  errorType?: string;
  usage?: UsageMetadata;
  /** Set for streamed calls. */
  timeToFirstChunkSeconds?: number;
}

interface Instruments {
  provider: MeterProvider;
  /** Every instrument is the API's no-op one (no MeterProvider registered): nothing to build. */
  noop: boolean;
  tokenUsage: Histogram;
  duration: Histogram;
  timeToFirstChunk: Histogram;
}

/**
 * The GenAI client metrics (`gen_ai.client.token.usage` by `gen_ai.token.type`,
 * `gen_ai.client.operation.duration`, `gen_ai.client.operation.time_to_first_chunk`), created through
 * `@opentelemetry/api` with the spec's bucket boundaries as advice. Without a `meterProvider` they go
 * to the global one, looked up again when it changes, so a MeterProvider registered after the handler
 * was built is still used. With no MeterProvider configured, recording is a no-op.
 *
 * @example
 * const genAIMetrics = new GenAIMetrics(meterProvider);
 * genAIMetrics.recordModelCall({ request: { operation: "chat", provider: "openai", model: "gpt-4o" },
 *   durationSeconds: 1.2, usage });
 */
export class GenAIMetrics {
  private readonly meterProvider: MeterProvider | undefined;
  private instruments: Instruments | undefined;

  constructor(meterProvider?: MeterProvider) {
    this.meterProvider = meterProvider;
  }

  /** True when there is nowhere to record to (only the API's no-op instruments): callers skip building records. */
  isNoop(): boolean {
    return this.resolve().noop;
  }

  /** Records the duration, token usage and time to first chunk of one model call. */
  recordModelCall(call: ModelCallRecord): void {
    const instruments = this.resolve();
    if (instruments.noop) return;
    instruments.duration.record(call.durationSeconds, callAttributes(call, ATTR.ERROR_TYPE, call.errorType));
    if (call.usage !== undefined) {
      instruments.tokenUsage.record(
        call.usage.input_tokens,
        callAttributes(call, ATTR.GEN_AI_TOKEN_TYPE, TOKEN_TYPE.INPUT),
      );
      instruments.tokenUsage.record(
        call.usage.output_tokens,
        callAttributes(call, ATTR.GEN_AI_TOKEN_TYPE, TOKEN_TYPE.OUTPUT),
      );
    }
    if (call.timeToFirstChunkSeconds !== undefined) {
      instruments.timeToFirstChunk.record(call.timeToFirstChunkSeconds, callAttributes(call));
    }
  }

  private resolve(): Instruments {
    const provider = this.meterProvider ?? otelApi().metrics.getMeterProvider();
    if (this.instruments?.provider === provider) return this.instruments;
    const meter = provider.getMeter("runledger");
    const histogram = (spec: (typeof METRIC)[keyof typeof METRIC]): Histogram =>
      meter.createHistogram(spec.name, {
        unit: spec.unit,
        description: spec.description,
        advice: { explicitBucketBoundaries: [...spec.buckets] },
      });
    const tokenUsage = histogram(METRIC.TOKEN_USAGE);
    const duration = histogram(METRIC.OPERATION_DURATION);
    const timeToFirstChunk = histogram(METRIC.TIME_TO_FIRST_CHUNK);
    const none = NOOP_HISTOGRAM();
    const noop = tokenUsage === none && duration === none && timeToFirstChunk === none;
    this.instruments = { provider, noop, tokenUsage, duration, timeToFirstChunk };
    return this.instruments;
  }
}

// The metric dimensions of a call plus one more. Built by assignment: object spread with these dotted
// keys costs V8 close to a microsecond per copy, and run end is on the caller's path.
function callAttributes(call: ModelCallRecord, key?: string, value?: string): Attributes {
  const attributes: Attributes = { [ATTR.GEN_AI_OPERATION_NAME]: call.request.operation };
  if (call.request.provider !== undefined) attributes[ATTR.GEN_AI_PROVIDER_NAME] = call.request.provider;
  if (call.request.model !== undefined) attributes[ATTR.GEN_AI_REQUEST_MODEL] = call.request.model;
  if (call.responseModel !== undefined) attributes[ATTR.GEN_AI_RESPONSE_MODEL] = call.responseModel;
  if (call.request.serverAddress !== undefined) attributes[ATTR.SERVER_ADDRESS] = call.request.serverAddress;
  if (call.request.serverPort !== undefined) attributes[ATTR.SERVER_PORT] = call.request.serverPort;
  if (key !== undefined && value !== undefined) attributes[key] = value;
  const dimensions = call.request.dimensions;
  if (dimensions !== undefined) for (const name in dimensions) attributes[name] = dimensions[name];
  return attributes;
}
