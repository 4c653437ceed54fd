import type { Run } from "../../schemas/index.js";

/**
 * How an export went. `retryable`: nothing was stored and trying again later may work (rate limits,
 * server errors, network failures); `retryAfterMillis` relays the server's `Retry-After`. `failed`:
 * trying again will not help (a rejected payload, a bad API key); the runs are dropped.
 */
export type ExportResult =
  | { code: "success" }
  | { code: "retryable"; retryAfterMillis?: number; error?: unknown }
  | { code: "failed"; error?: unknown };

/**
 * Where finished runs go. `export` receives batches of complete, JSON-safe Run records (a child is a
 * separate record linked by `parent_run_id`); it is called by a `BatchRunProcessor`, one batch at a
 * time, off the traced code's path.
 *
 * @example
 * const consoleExporter: RunExporter = {
 *   async export(runs) {
 *     for (const run of runs) console.log(run.dotted_order, run.name);
 *     return { code: "success" };
 *   },
 * };
 */
export interface RunExporter {
  export(runs: Run[]): Promise<ExportResult>;
  /**
   * Optional: exports synchronously, for the moment the process ends (`process.exit()`, an uncaught
   * exception) when nothing asynchronous runs any more. Exporters to local files implement it.
   */
  exportSync?(runs: Run[]): ExportResult;
  /** Releases what the exporter holds (connections, files); called once, after the last export. */
  shutdown?(): Promise<void>;
}

/**
 * An exporter that can also take runs as the JSON text of their export form (exactly what
 * `JSON.stringify` of the run `export` would receive gives), so that a `BatchRunProcessor` writes each
 * run once, straight to that text (see `maskedRunJson`), instead of building an export copy first. The
 * JSONL and in-memory exporters are such exporters.
 *
 * @example
 * if (acceptsRunText(exporter)) await exporter.exportRunText(runs.map(maskedRunJson));
 */
export interface RunTextExporter extends RunExporter {
  /** False when the exporter changes runs before keeping them (its own `hideInputs`, say): it then needs `export`. */
  readonly acceptsRunText: boolean;
  /** `export`, given each run's JSON text. */
  exportRunText(texts: string[]): Promise<ExportResult>;
  /** `exportSync`, given each run's JSON text. */
  exportRunTextSync?(texts: string[]): ExportResult;
}

/**
 * Whether `exporter` takes runs as JSON text now (see `RunTextExporter`).
 *
 * @example
 * acceptsRunText(new JsonlRunExporter()); // true
 */
export function acceptsRunText(exporter: RunExporter): exporter is RunTextExporter {
  const candidate = exporter as Partial<RunTextExporter>;
  return candidate.acceptsRunText === true && typeof candidate.exportRunText === "function";
}
