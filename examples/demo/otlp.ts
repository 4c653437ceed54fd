import { OpenTelemetryCallbackHandler } from "../../src/index.js";

/** The OTLP export the demo sets up when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
export interface OtlpExport {
  handler: OpenTelemetryCallbackHandler;
  endpoint: string;
  shutdown(): Promise<void>;
}

/**
 * Sends runledger's spans to any OTLP/HTTP collector named by OTEL_EXPORTER_OTLP_ENDPOINT: the two
 * lines of set-up the README shows, plus a shutdown that flushes. Undefined when the variable is unset.
 */
export async function startOtlpExport(): Promise<OtlpExport | undefined> {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
  return { handler, endpoint, shutdown: () => provider.shutdown() };
}
