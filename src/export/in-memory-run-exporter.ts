import type { Run } from "../../schemas/index.js";
import type { ExportResult, RunExporter } from "./run-exporter.js";

/**
 * Keeps exported runs in memory: for tests and for reading a trace back in-process.
 *
 * @example
 * const exporter = new InMemoryRunExporter();
 * const tracer = new RunTracer({ exporter });
 * await traceable(agent, { tracer })("question");
 * await tracer.forceFlush();
 * exporter.getFinishedRuns().map((run) => run.name);
 */
export class InMemoryRunExporter implements RunExporter {
  private runs: Run[] = [];

  async export(runs: Run[]): Promise<ExportResult> {
    this.runs.push(...runs);
    return { code: "success" };
  }

  /** The runs exported so far, in export order. */
  getFinishedRuns(): Run[] {
    return [...this.runs];
  }

  /** Forgets the runs exported so far. */
  reset(): void {
    this.runs = [];
  }
}
