import type { Run } from "../../schemas/index.js";
import type { ExportResult, RunTextExporter } from "./run-exporter.js";

/**
 * Keeps exported runs in memory: for tests and for reading a trace back in-process. Each run is kept
 * as its JSON text (about half the heap of the object graph) and parsed again on read, so
 * `getFinishedRuns()` returns fresh copies equal to the JSON-safe runs a tracer exports (JSON has no
 * -0: it reads back as 0). A run that has no JSON text (a bigint or a cycle, exported directly) is
 * kept as it is.
 *
 * @example
 * const exporter = new InMemoryRunExporter();
 * const tracer = new RunTracer({ exporter });
 * await traceable(agent, { tracer })("question");
 * await tracer.forceFlush();
 * exporter.getFinishedRuns().map((run) => run.name);
 */
export class InMemoryRunExporter implements RunTextExporter {
  private runs: (string | Run)[] = [];

  /** Always true: a processor may hand this exporter each run's JSON text (kept as it is). */
  readonly acceptsRunText = true;

  async export(runs: Run[]): Promise<ExportResult> {
    for (const run of runs) this.runs.push(serialized(run));
    return { code: "success" };
  }

  /** `export`, given each run's JSON text. */
  async exportRunText(texts: string[]): Promise<ExportResult> {
    for (const text of texts) this.runs.push(text);
    return { code: "success" };
  }

  /** The runs exported so far, in export order (fresh copies: changing them changes nothing kept). */
  getFinishedRuns(): Run[] {
    return this.runs.map((run) => (typeof run === "string" ? (JSON.parse(run) as Run) : run));
  }

  /** Forgets the runs exported so far. */
  reset(): void {
    this.runs = [];
  }
}

// The run's JSON text, or the run itself when JSON.stringify throws on it.
function serialized(run: Run): string | Run {
  try {
    return JSON.stringify(run);
  } catch {
    return run;
  }
}
