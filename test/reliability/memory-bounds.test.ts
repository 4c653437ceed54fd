import { describe, expect, it } from "vitest";
import { CallbackManager, withCallbacks } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
import { InMemoryRunExporter, type ExportResult, type RunExporter } from "../../src/export/index.js";
import { RunTracer } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";

const warnings = captureWarnings();

/** An exporter that holds every export until released: the queue fills behind it. */
class HeldExporter implements RunExporter {
  readonly runs: Run[] = [];
  private release: (() => void) | undefined;
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));
  async export(runs: Run[]): Promise<ExportResult> {
    await this.held;
    this.runs.push(...runs);
    return { code: "success" };
  }
  open(): void {
    this.release?.();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe("memory bounds", () => {
  it("the export queue is bounded in bytes: runs with 1 MB inputs beyond maxQueueBytes are dropped and counted", async () => {
    const exporter = new HeldExporter();
    const tracer = new RunTracer({ exporter, batch: { maxQueueBytes: 16 * 2 ** 20, maxBatchSize: 1 } });
    const manager = CallbackManager.configure({ callbacks: [tracer] });
    const big = "x".repeat(2 ** 20);
    for (let i = 0; i < 100; i++) void manager.handleChainStart({ name: "big" }, { text: big }).handleChainEnd({});
    exporter.open();
    await tracer.shutdown();
    const { exported, dropped } = tracer.exportStats;
    expect(exported + dropped).toBe(100);
    expect(exported).toBeLessThanOrEqual(18); // 16 queued (1 MB each) + the batch in flight, give or take one
    expect(dropped).toBeGreaterThanOrEqual(82);
    expect(warnings.some((w) => w.code === "runs_dropped" && w.message.includes("queue full"))).toBe(true);
  });

  it("runs that never end are let go of beyond maxOpenRuns: exported unfinished, with one warning", async () => {
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter, maxOpenRuns: 100 });
    const manager = CallbackManager.configure({ callbacks: [tracer] });
    for (let i = 0; i < 1000; i++) void manager.handleChainStart({ name: `never-${i}` }, {});
    expect(tracer.size).toBe(100);
    await tracer.forceFlush();
    await new Promise((resolve) => setImmediate(resolve));
    const runs = exporter.getFinishedRuns();
    expect(runs).toHaveLength(900);
    expect(runs.every((run) => run.end_time === undefined || run.end_time === null)).toBe(true);
    expect(runs[0]?.name).toBe("never-0"); // oldest first
    const evicted = warnings.filter((w) => w.code === "runs_evicted");
    expect(evicted).toHaveLength(1);
    expect(evicted[0]?.message).toMatch(/^900 run\(s\) never ended/);
    await tracer.shutdown();
  });

  it("a trace open longer than maxOpenMillis is let go of, children included", async () => {
    let now = 1_700_000_000_000_000;
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter, maxOpenMillis: 1000, clock: () => now });
    const manager = CallbackManager.configure({ callbacks: [tracer] });
    // Inheritable handlers (withCallbacks): the child run reaches the tracer too.
    withCallbacks([tracer], () => {
      const stale = CallbackManager.configure().handleChainStart({ name: "stale" }, {});
      void stale.getChild().handleChainStart({ name: "stale-child" }, {});
    });
    now += 2_000_000; // two seconds later
    for (let i = 0; i < 300; i++) void manager.handleChainStart({ name: `fresh-${i}` }, {}).handleChainEnd({});
    expect(tracer.size).toBe(0);
    await tracer.forceFlush();
    const names = exporter.getFinishedRuns().map((run) => run.name);
    expect(names).toEqual(expect.arrayContaining(["stale", "stale-child"]));
    await tracer.shutdown();
  });
});
