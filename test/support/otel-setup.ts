import { context, type HrTime } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll } from "vitest";

/** A real SDK tracer provider exporting every ended span to memory. */
export interface TestTracing {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** The one finished span with this name (throws when there is not exactly one). */
  span(name: string): ReadableSpan;
}

/** Creates a BasicTracerProvider + SimpleSpanProcessor + InMemorySpanExporter (sdk-trace-base 2.x). */
export function testTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return {
    provider,
    exporter,
    spans,
    span(name) {
      const found = spans().filter((span) => span.name === name);
      if (found.length !== 1)
        throw new Error(
          `expected one span "${name}", found ${found.length}: ${spans()
            .map((s) => s.name)
            .join(", ")}`,
        );
      return found[0] as ReadableSpan;
    },
  };
}

/**
 * Registers an AsyncLocalStorage context manager for the calling test file: the SDK provider does not
 * register one by itself, and without it `context.with` does not propagate.
 */
export function useContextManager(): void {
  beforeAll(() => {
    const manager = new AsyncLocalStorageContextManager();
    manager.enable();
    context.setGlobalContextManager(manager);
  });
  afterAll(() => {
    context.disable();
  });
}

/** The span id of a span's parent, if any. */
export function parentIdOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Epoch microseconds of an HrTime. */
export function microsOf(time: HrTime): number {
  return time[0] * 1_000_000 + Math.floor(time[1] / 1000);
}
