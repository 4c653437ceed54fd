import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Run } from "../../schemas/index.js";
import { BatchRunProcessor, JsonlRunExporter, type ExportResult } from "../../src/export/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { makeRun, ScriptedExporter } from "./helpers.js";

const warnings = captureWarnings();

/** A scripted exporter that can also export synchronously (as the JSONL exporter can). */
class SyncScriptedExporter extends ScriptedExporter {
  readonly syncBatches: Run[][] = [];
  syncResult: ExportResult = { code: "success" };

  exportSync(runs: Run[]): ExportResult {
    this.syncBatches.push(runs);
    return this.syncResult;
  }
}
const HOUR = 3_600_000;

/** A retry wait that records what it was asked for and returns at once. */
function recordingSleep(): { sleep: (millis: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (millis) => void waits.push(millis) };
}

describe("BatchRunProcessor", () => {
  it("exports full batches at once and the partial one on flush, as JSON-safe runs", async () => {
    const exporter = new ScriptedExporter();
    const processor = new BatchRunProcessor(exporter, { maxBatchSize: 3, scheduledDelayMillis: HOUR });
    for (let i = 0; i < 7; i++) processor.onEnd(makeRun(`r${i}`, { inputs: { at: new Date(0), n: 1n } }));
    expect(exporter.batches).toHaveLength(0); // nothing happens on the caller's path
    await processor.forceFlush();
    expect(exporter.batches.map((batch) => batch.length)).toEqual([3, 3, 1]);
    expect(exporter.batches.flat().map((run) => run.name)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
    expect(exporter.batches[0]?.[0]?.inputs).toEqual({ at: "1970-01-01T00:00:00.000Z", n: "1" });
    expect(processor.exportedCount).toBe(7);
    expect(processor.queueLength).toBe(0);
  });

  it("builds records from builders in the background, once; a builder that throws loses only its run", async () => {
    const exporter = new ScriptedExporter();
    const processor = new BatchRunProcessor(exporter, { maxBatchSize: 10, scheduledDelayMillis: HOUR });
    let built = 0;
    processor.onEnd(() => (built++, makeRun("lazy")));
    processor.onEnd(() => {
      throw new Error("cannot build");
    });
    processor.onEnd(makeRun("eager"));
    expect(built).toBe(0); // nothing is built on the caller's path
    await processor.forceFlush();
    expect(built).toBe(1);
    expect(exporter.batches.flat().map((run) => run.name)).toEqual(["lazy", "eager"]);
    expect([processor.exportedCount, processor.droppedCount]).toEqual([2, 1]);
    expect(warnings.filter((w) => w.code === "runs_dropped").map((w) => w.message)).toEqual([
      expect.stringContaining("record failed"),
    ]);
  });

  it("exports in the background without being flushed", async () => {
    const exporter = new ScriptedExporter();
    const processor = new BatchRunProcessor(exporter, { maxBatchSize: 2, scheduledDelayMillis: HOUR });
    const started = exporter.hold();
    processor.onEnd(makeRun("a"));
    processor.onEnd(makeRun("b"));
    await started; // a full batch left on its own
    exporter.release();
    await processor.forceFlush();
    expect(exporter.batches.map((batch) => batch.map((run) => run.name))).toEqual([["a", "b"]]);
  });

  it("drops runs beyond the queue bound, counts them exactly and warns once", async () => {
    const exporter = new ScriptedExporter();
    const processor = new BatchRunProcessor(exporter, { maxQueueSize: 5, maxBatchSize: 2, scheduledDelayMillis: HOUR });
    const started = exporter.hold();
    processor.onEnd(makeRun("in-flight-1"));
    processor.onEnd(makeRun("in-flight-2"));
    await started;
    for (let i = 0; i < 12; i++) processor.onEnd(makeRun(`queued-${i}`));
    expect(processor.queueLength).toBe(5);
    expect(processor.droppedCount).toBe(7);
    const flushed = processor.forceFlush();
    exporter.release();
    await flushed;
    expect(processor.exportedCount).toBe(7);
    expect(exporter.batches.flat().map((run) => run.name)).toEqual([
      "in-flight-1",
      "in-flight-2",
      "queued-0",
      "queued-1",
      "queued-2",
      "queued-3",
      "queued-4",
    ]);
    expect(warnings.map((w) => [w.code, w.message])).toEqual([["runs_dropped", "Dropped 7 runs (queue full)"]]);
  });

  it('with whenFull: "block", a producer outrunning a stalled exporter writes the oldest batches itself: nothing dropped', async () => {
    const exporter = new SyncScriptedExporter();
    const processor = new BatchRunProcessor(exporter, {
      maxQueueSize: 5,
      maxBatchSize: 2,
      scheduledDelayMillis: HOUR,
      whenFull: "block",
    });
    const started = exporter.hold();
    processor.onEnd(makeRun("in-flight-1"));
    processor.onEnd(makeRun("in-flight-2"));
    await started; // the background export is stalled until released
    for (let i = 0; i < 12; i++) processor.onEnd(makeRun(`queued-${i}`));
    expect(processor.queueLength).toBeLessThanOrEqual(5);
    expect(processor.droppedCount).toBe(0);
    // Past the bound each ending run first wrote the oldest batch, synchronously, in queue order.
    expect(exporter.syncBatches.map((batch) => batch.map((run) => run.name))).toEqual([
      ["queued-0", "queued-1"],
      ["queued-2", "queued-3"],
      ["queued-4", "queued-5"],
      ["queued-6", "queued-7"],
    ]);
    const flushed = processor.forceFlush();
    exporter.release();
    await flushed;
    const names = [...exporter.batches, ...exporter.syncBatches].flat().map((run) => run.name);
    expect(names.sort()).toEqual(
      ["in-flight-1", "in-flight-2", ...Array.from({ length: 12 }, (_, i) => `queued-${i}`)].sort(),
    );
    expect([processor.exportedCount, processor.droppedCount]).toEqual([14, 0]);
    expect(warnings).toEqual([]);
  });

  it('with whenFull: "block", a producer that never yields writes each full batch itself when the next run ends before its due export started, in order', async () => {
    const exporter = new SyncScriptedExporter();
    const processor = new BatchRunProcessor(exporter, { maxQueueSize: 1_000, maxBatchSize: 10, whenFull: "block" });
    let longest = 0;
    for (let i = 0; i < 200; i++) {
      processor.onEnd(makeRun(`r${i}`)); // the event loop gets no turn: the due export never starts
      longest = Math.max(longest, processor.queueLength);
    }
    expect(longest).toBe(10);
    expect(exporter.syncBatches).toHaveLength(19);
    await processor.forceFlush();
    const names = [...exporter.syncBatches, ...exporter.batches].flat().map((run) => run.name);
    expect(names).toEqual(Array.from({ length: 200 }, (_, i) => `r${i}`));
    expect([processor.exportedCount, processor.droppedCount]).toEqual([200, 0]);
    // The default, "drop", never writes on the ending code's path: all 200 wait for the background.
    const background = new SyncScriptedExporter();
    const dropping = new BatchRunProcessor(background, { maxQueueSize: 1_000, maxBatchSize: 10 });
    for (let i = 0; i < 200; i++) dropping.onEnd(makeRun(`r${i}`));
    expect([dropping.queueLength, background.syncBatches.length]).toEqual([200, 0]);
    await dropping.forceFlush();
    expect(dropping.exportedCount).toBe(200);
  });

  it('with whenFull: "block", a batch the synchronous export refuses is dropped and counted, as a failed export', async () => {
    const exporter = new SyncScriptedExporter();
    exporter.syncResult = { code: "failed", error: new Error("disk full") };
    const processor = new BatchRunProcessor(exporter, {
      maxQueueSize: 2,
      maxBatchSize: 2,
      scheduledDelayMillis: HOUR,
      whenFull: "block",
    });
    for (let i = 0; i < 3; i++) processor.onEnd(makeRun(`r${i}`));
    await processor.forceFlush();
    expect([processor.exportedCount, processor.droppedCount]).toEqual([1, 2]);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining("Dropped 2 runs (export failed")]);
  });

  it('whenFull: "block" with an exporter that cannot export synchronously is a clear error', () => {
    expect(() => new BatchRunProcessor(new ScriptedExporter(), { whenFull: "block" })).toThrow(
      expect.objectContaining({ code: "invalid_argument", message: expect.stringContaining("exportSync") }),
    );
  });

  it('a producer that never yields, into a JSONL file: every run written with whenFull: "block", the excess dropped and counted by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), "runledger-backpressure-"));
    const produce = async (file: string, whenFull: "drop" | "block"): Promise<[number, number, number]> => {
      const path = join(dir, file);
      const processor = new BatchRunProcessor(new JsonlRunExporter({ path }), {
        maxQueueSize: 50,
        maxBatchSize: 20,
        whenFull,
      });
      for (let i = 0; i < 2_000; i++) processor.onEnd(makeRun(`run-${i}`)); // the writer gets no turn meanwhile
      await processor.shutdown();
      const lines = readFileSync(path, "utf8").trim().split("\n");
      expect(new Set(lines.map((line) => (JSON.parse(line) as Run).name)).size).toBe(lines.length); // each run once
      return [lines.length, processor.exportedCount, processor.droppedCount];
    };
    expect(await produce("block.jsonl", "block")).toEqual([2_000, 2_000, 0]);
    expect(warnings).toEqual([]);
    const [lines, exported, dropped] = await produce("drop.jsonl", "drop");
    expect([lines, exported, exported + dropped]).toEqual([50, 50, 2_000]);
    expect(warnings.map((w) => [w.code, w.message])).toEqual([["runs_dropped", "Dropped 1950 runs (queue full)"]]);
  });

  it("waits what Retry-After asks, then delivers the batch once", async () => {
    const exporter = new ScriptedExporter({ code: "retryable", retryAfterMillis: 2000 });
    const { sleep, waits } = recordingSleep();
    const processor = new BatchRunProcessor(exporter, { sleep, scheduledDelayMillis: HOUR });
    processor.onEnd(makeRun("r"));
    await processor.forceFlush();
    expect(waits).toEqual([2000]);
    expect(exporter.batches).toHaveLength(2);
    expect(processor.exportedCount).toBe(1);
    expect(processor.droppedCount).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("caps a Retry-After longer than maxBackoffMillis", async () => {
    const exporter = new ScriptedExporter({ code: "retryable", retryAfterMillis: 3_600_000 });
    const { sleep, waits } = recordingSleep();
    const processor = new BatchRunProcessor(exporter, { sleep, maxBackoffMillis: 10_000 });
    processor.onEnd(makeRun("r"));
    await processor.forceFlush();
    expect(waits).toEqual([10_000]);
  });

  it("backs off exponentially with jitter when the server gives no delay", async () => {
    const retryable = { code: "retryable" } as const;
    const exporter = new ScriptedExporter(retryable, retryable, retryable);
    const { sleep, waits } = recordingSleep();
    const processor = new BatchRunProcessor(exporter, { sleep, initialBackoffMillis: 100 });
    processor.onEnd(makeRun("r"));
    await processor.forceFlush();
    expect(waits).toHaveLength(3);
    waits.forEach((wait, attempt) => {
      expect(wait).toBeGreaterThanOrEqual(50 * 2 ** attempt);
      expect(wait).toBeLessThanOrEqual(100 * 2 ** attempt);
    });
    expect(processor.exportedCount).toBe(1);
  });

  it("drops a batch after its last retry, or at once when the failure is final, with one warning each", async () => {
    const retryable = { code: "retryable", error: new Error("503") } as const;
    const exporter = new ScriptedExporter(retryable, retryable, retryable, {
      code: "failed",
      error: new Error("400 bad payload"),
    });
    const { sleep, waits } = recordingSleep();
    const processor = new BatchRunProcessor(exporter, {
      sleep,
      maxRetries: 2,
      maxBatchSize: 2,
      scheduledDelayMillis: HOUR,
    });
    processor.onEnd(makeRun("a"));
    processor.onEnd(makeRun("b"));
    await processor.forceFlush();
    expect(waits).toHaveLength(2);
    expect(warnings.map((w) => w.message)).toEqual(["Dropped 2 runs (export failed: 503)"]);
    processor.onEnd(makeRun("c"));
    await processor.forceFlush();
    expect(waits).toHaveLength(2);
    expect(warnings.map((w) => w.message)[1]).toBe("Dropped 1 run (export failed: 400 bad payload)");
    expect(processor.droppedCount).toBe(3);
    expect(processor.exportedCount).toBe(0);
  });

  it("treats an exporter that throws as a failed export", async () => {
    const processor = new BatchRunProcessor({
      async export() {
        throw new Error("exporter bug");
      },
    });
    processor.onEnd(makeRun("r"));
    await processor.forceFlush();
    expect(processor.droppedCount).toBe(1);
    expect(warnings.map((w) => w.message)).toEqual(["Dropped 1 run (export failed: exporter bug)"]);
  });

  it("forceFlush waits for the batch in flight", async () => {
    const exporter = new ScriptedExporter();
    const processor = new BatchRunProcessor(exporter, { maxBatchSize: 1 });
    const started = exporter.hold();
    processor.onEnd(makeRun("slow"));
    await started;
    let flushed = false;
    const flushing = processor.forceFlush().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    exporter.release();
    await flushing;
    expect(processor.exportedCount).toBe(1);
  });

  it("shuts down once: flushes, shuts the exporter down, then drops and counts later runs", async () => {
    const exporter = new ScriptedExporter();
    const processor = new BatchRunProcessor(exporter, { scheduledDelayMillis: HOUR });
    processor.onEnd(makeRun("before"));
    await Promise.all([processor.shutdown(), processor.shutdown()]);
    expect(exporter.batches.flat().map((run) => run.name)).toEqual(["before"]);
    expect(exporter.shutdowns).toBe(1);
    processor.onEnd(makeRun("after-1"));
    processor.onEnd(makeRun("after-2"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(processor.droppedCount).toBe(2);
    expect(warnings.map((w) => w.message)).toEqual(["Dropped 2 runs (processor shut down)"]);
  });

  it("flushes pending runs when the process is about to exit, without keeping it alive", () => {
    const directory = mkdtempSync(join(tmpdir(), "runledger-exit-"));
    const fixture = fileURLToPath(new URL("./fixtures/exit-flush.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", "tsx", fixture, directory], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    // Shutting down removes the hook; the pending processor's hook is the only one left at exit.
    expect(JSON.parse(child.stdout.trim())).toEqual({ listenersAfterShutdown: 0, listenersWithPending: 1 });
    const lines = readFileSync(join(directory, "nested", "exit.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { name: string }).name)).toEqual([
      "pending-0",
      "pending-1",
      "pending-2",
    ]);
  });
});
