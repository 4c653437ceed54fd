import { v7 as uuidv7 } from "uuid";
import type { Run } from "../../schemas/index.js";
import type { ExportResult, RunExporter } from "../../src/export/index.js";
import { dottedOrderSegment } from "../../src/tracing/index.js";

/** A finished root run named `name`. */
export function makeRun(name: string, fields: Partial<Run> = {}): Run {
  const id = uuidv7();
  const micros = Date.now() * 1000;
  return {
    id,
    name,
    run_type: "chain",
    start_time: new Date(micros / 1000).toISOString(),
    end_time: new Date(micros / 1000).toISOString(),
    inputs: {},
    outputs: {},
    trace_id: id,
    dotted_order: dottedOrderSegment(micros, id),
    ...fields,
  };
}

/**
 * An exporter that answers with scripted results (then success), records each batch, and can be held
 * (its next export waits until released).
 */
export class ScriptedExporter implements RunExporter {
  readonly batches: Run[][] = [];
  shutdowns = 0;
  private readonly results: ExportResult[];
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private started: (() => void) | undefined;

  constructor(...results: ExportResult[]) {
    this.results = results;
  }

  /** The next export waits until `release()`; resolves when that export has begun. */
  hold(): Promise<void> {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    return new Promise((resolve) => (this.started = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async export(runs: Run[]): Promise<ExportResult> {
    this.batches.push(runs);
    this.started?.();
    this.started = undefined;
    if (this.gate !== undefined) await this.gate;
    return this.results.shift() ?? { code: "success" };
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}
