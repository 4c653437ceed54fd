import { describe, expect, it } from "vitest";
import { captureWarnings } from "../support/warnings-capture.js";
import { BatchRunProcessor, InMemoryRunExporter, type RunExporter } from "../../src/export/index.js";
import { flushAll } from "../../src/index.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";
import { makeRun } from "../export/helpers.js";

const HOUR = 3_600_000;
const warnings = captureWarnings();

describe("flushAll", () => {
  it("exports what every tracer and processor of the process has queued", async () => {
    const first = new InMemoryRunExporter();
    const second = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter: first, batch: { scheduledDelayMillis: HOUR } });
    const processor = new BatchRunProcessor(second, { scheduledDelayMillis: HOUR });
    await traceable(async () => "done", { name: "traced", tracer })();
    for (let i = 0; i < 3; i++) processor.onEnd(makeRun(`queued-${i}`));
    expect([first.getFinishedRuns().length, second.getFinishedRuns().length]).toEqual([0, 0]);

    await expect(flushAll()).resolves.toBe(true);
    expect(first.getFinishedRuns().map((run) => run.name)).toEqual(["traced"]);
    expect(second.getFinishedRuns().map((run) => run.name)).toEqual(["queued-0", "queued-1", "queued-2"]);
    await Promise.all([tracer.shutdown(), processor.shutdown()]);
  });

  it("gives up at the deadline with a warning when an export never settles, and never rejects", async () => {
    const stuck: RunExporter = { export: () => new Promise(() => undefined) };
    const processor = new BatchRunProcessor(stuck, { scheduledDelayMillis: HOUR, shutdownTimeoutMillis: 0 });
    processor.onEnd(makeRun("stuck"));
    await expect(flushAll({ timeoutMs: 20 })).resolves.toBe(false);
    expect(warnings.map((warning) => warning.code)).toContain("flush_timeout");
    await processor.shutdown();
  });

  it("rejects an invalid timeout with a clear error", async () => {
    await expect(flushAll({ timeoutMs: -1 })).rejects.toThrow(/timeoutMs must be a non-negative number/);
    await expect(flushAll({ timeoutMs: Number.NaN })).rejects.toMatchObject({ code: "invalid_argument" });
  });
});
