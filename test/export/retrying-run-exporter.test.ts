import { describe, expect, it } from "vitest";
import { RetryingRunExporter } from "../../src/export/retrying-run-exporter.js";
import { makeRun, ScriptedExporter } from "./helpers.js";

describe("RetryingRunExporter", () => {
  it("retries retryable failures up to maxRetries and returns the last result", async () => {
    const inner = new ScriptedExporter(
      { code: "retryable" },
      { code: "retryable" },
      { code: "retryable", retryAfterMillis: 7 },
    );
    const waits: number[] = [];
    const exporter = new RetryingRunExporter(inner, { maxRetries: 2, sleep: async (ms) => void waits.push(ms) });
    const result = await exporter.export([makeRun("a")]);
    expect(result).toEqual({ code: "retryable", retryAfterMillis: 7 });
    expect(inner.batches).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it("does not retry a failed export, and reports a throwing exporter as failed", async () => {
    const failing = new RetryingRunExporter(new ScriptedExporter({ code: "failed" }));
    expect(await failing.export([makeRun("a")])).toEqual({ code: "failed" });
    const boom = new Error("boom");
    const throwing = new RetryingRunExporter({
      export: () => {
        throw boom;
      },
    });
    expect(await throwing.export([makeRun("a")])).toEqual({ code: "failed", error: boom });
  });

  it("stopRetrying ends a wait in progress and makes no further attempt", async () => {
    const inner = new ScriptedExporter({ code: "retryable", retryAfterMillis: 3_600_000 });
    const exporter = new RetryingRunExporter(inner, { maxBackoffMillis: 3_600_000 });
    const exporting = exporter.export([makeRun("a")]);
    await new Promise((resolve) => setImmediate(resolve));
    exporter.stopRetrying();
    expect((await exporting).code).toBe("retryable");
    expect(inner.batches).toHaveLength(1);
  });
});
