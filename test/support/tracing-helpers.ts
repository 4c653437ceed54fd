import { InMemoryRunExporter } from "../../src/export/index.js";
import { RunTracer, type RunTracerOptions } from "../../src/tracing/index.js";
import type { LLMResult, Run, UsageMetadata } from "../../schemas/index.js";

/** A RunTracer exporting to memory, and a way to read what it exported. */
export function memoryTracer(options: Omit<RunTracerOptions, "exporter"> = {}): {
  tracer: RunTracer;
  runs: () => Promise<Run[]>;
} {
  const exporter = new InMemoryRunExporter();
  const tracer = new RunTracer({ ...options, exporter });
  return {
    tracer,
    async runs() {
      await tracer.forceFlush();
      return exporter.getFinishedRuns();
    },
  };
}

/** The one run named `name`; throws when there is not exactly one. */
export function named(runs: readonly Run[], name: string): Run {
  const found = runs.filter((run) => run.name === name);
  if (found.length !== 1) throw new Error(`expected one run named ${name}, found ${found.length}`);
  return found[0] as Run;
}

/** A chat LLMResult with one generation per usage record. */
export function chatResult(...generations: { usage?: UsageMetadata; model?: string; text?: string }[]): LLMResult {
  return {
    generations: [
      generations.map(({ usage, model, text = "hi" }) => ({
        text,
        message: {
          content: text,
          ...(usage === undefined ? {} : { usage_metadata: usage }),
          response_metadata: model === undefined ? {} : { model_name: model },
        },
      })),
    ],
  };
}

/** A clock that returns the given readings in order, then keeps returning the last one; counts reads. */
export function scriptedClock(...readings: number[]): { clock: () => number; reads: () => number } {
  let reads = 0;
  return {
    clock: () => readings[Math.min(reads++, readings.length - 1)] as number,
    reads: () => reads,
  };
}
