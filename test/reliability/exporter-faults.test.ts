import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import { LangSmithRunExporter, replaySpool, type LangSmithRunExporterOptions } from "../../src/export/index.js";
import { RunTracer, type RunTracerOptions } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { FaultServer } from "./fault-server.js";
import { traceRequests } from "./workload.js";

const warnings = captureWarnings();
const servers: FaultServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(port?: number): Promise<FaultServer> {
  const started = await FaultServer.start(port);
  servers.push(started);
  return started;
}

function tracerFor(
  apiUrl: string,
  exporter: LangSmithRunExporterOptions = {},
  options: RunTracerOptions = {},
): RunTracer {
  return new RunTracer({
    exporter: new LangSmithRunExporter({ apiUrl, apiKey: "test-key", ...exporter }),
    ...options,
    batch: { maxBatchSize: 10, initialBackoffMillis: 10, maxBackoffMillis: 2_000, ...options.batch },
  });
}

function spoolDir(): string {
  return mkdtempSync(join(tmpdir(), "runledger-spool-"));
}

/** Sent vs received under one fault, printed for the record and checked: every run stored exactly once. */
function expectExactlyOnce(fault: string, sent: readonly string[], endpoint: FaultServer): void {
  const posts = [...endpoint.posted.values()].reduce((sum, n) => sum + n, 0);
  console.log(
    `[reliability] ${fault}: sent ${sent.length}, received ${endpoint.stored.size} (posts ${posts}, requests ${endpoint.requests})`,
  );
  expect(new Set(sent).size).toBe(sent.length);
  expect([...endpoint.stored.keys()].sort()).toEqual([...sent].sort());
  expect(endpoint.duplicates().stored).toEqual([]);
}

describe("exporter faults: runs are delivered exactly once when the endpoint recovers within the retry window", () => {
  it("500, 500, then up", async () => {
    const endpoint = (await server()).next({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    const tracer = tracerFor(endpoint.url);
    const sent = await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expectExactlyOnce("HTTP 500 twice", sent, endpoint);
    // A 500 stored nothing: only the rejected batch (10 runs) was sent again, and stored once.
    expect(endpoint.duplicates().posted).toHaveLength(10);
    expect(tracer.exportStats).toEqual({ exported: 30, dropped: 0 });
    expect(warnings).toEqual([]);
  });

  it("429 with Retry-After, then up", async () => {
    const endpoint = (await server()).next({ kind: "status", status: 429, retryAfterSeconds: 1 });
    const tracer = tracerFor(endpoint.url);
    const sent = await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expectExactlyOnce("HTTP 429 Retry-After: 1", sent, endpoint);
    expect(endpoint.duplicates().posted).toHaveLength(10);
    expect(tracer.exportStats).toEqual({ exported: 30, dropped: 0 });
  });

  it("connection refused, then the endpoint comes up on that port", async () => {
    const port = await FaultServer.freePort();
    let refused = 0;
    let endpoint: FaultServer | undefined;
    const fetchThenStart: typeof fetch = async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        if (++refused === 2) endpoint = await server(port); // the endpoint recovers after two refusals
        throw error;
      }
    };
    const tracer = tracerFor(`http://127.0.0.1:${port}`, { fetch: fetchThenStart }, { batch: { maxRetries: 8 } });
    const sent = await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expect(refused).toBeGreaterThanOrEqual(2);
    if (endpoint === undefined) throw new Error("the endpoint never started");
    expectExactlyOnce(`connection refused ×${refused}`, sent, endpoint);
    expect(endpoint.duplicates().posted).toEqual([]);
    expect(tracer.exportStats).toEqual({ exported: 30, dropped: 0 });
  });

  it("a slow endpoint that answers within the request timeout", async () => {
    const endpoint = (await server()).otherwise({ kind: "slow", millis: 150 });
    const tracer = tracerFor(endpoint.url, { timeoutMillis: 10_000 });
    const sent = await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expectExactlyOnce("slow (150 ms per request)", sent, endpoint);
    expect(endpoint.duplicates().posted).toEqual([]);
  });

  it("a slow endpoint the client gives up on: the retry is answered 409 (already stored) and counts as delivered", async () => {
    const endpoint = (await server()).next({ kind: "slow", millis: 600 });
    const tracer = tracerFor(endpoint.url, { timeoutMillis: 100 });
    const sent = await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expectExactlyOnce("slow beyond the request timeout (re-sent, deduplicated by id)", sent, endpoint);
    expect(endpoint.duplicates().posted.length).toBeGreaterThan(0); // the timed-out batch was sent again
    expect(tracer.exportStats).toEqual({ exported: 30, dropped: 0 });
  });
});

describe("exporter faults: runs that cannot be delivered are counted, spooled and replayed", () => {
  it("drops exactly what overflows the bounded queue and reports it once", async () => {
    const endpoint = await server();
    const tracer = tracerFor(endpoint.url, {}, { batch: { maxQueueSize: 20, scheduledDelayMillis: 3_600_000 } });
    const manager = CallbackManager.configure({ callbacks: [tracer] });
    // A synchronous burst: no export can start before it ends, so exactly maxQueueSize runs fit.
    for (let i = 0; i < 100; i++) void manager.handleChainStart({ name: "burst" }, { i }).handleChainEnd({ i });
    await tracer.forceFlush();
    console.log(
      `[reliability] queue overflow: sent 100, received ${endpoint.stored.size}, dropped ${tracer.exportStats.dropped}`,
    );
    expect(tracer.exportStats).toEqual({ exported: 20, dropped: 80 });
    expect(endpoint.stored.size).toBe(20);
    expect(warnings.filter((w) => w.code === "runs_dropped").map((w) => w.message)).toEqual([
      "Dropped 80 runs (queue full)",
    ]);
  });

  it("without a spool, runs of an endpoint that stays down are dropped, counted exactly, reported once", async () => {
    const endpoint = (await server()).otherwise({ kind: "status", status: 503 });
    const tracer = tracerFor(endpoint.url, {}, { batch: { maxRetries: 2, maxBatchSize: 100 } });
    await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expect(tracer.exportStats).toEqual({ exported: 0, dropped: 30 });
    const dropped = warnings.filter((w) => w.code === "runs_dropped");
    expect(dropped.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Dropped 30 runs \(export failed: LangSmith \/runs\/multipart answered 503/),
    ]);
  });

  it("with a spool, an endpoint that stays down loses nothing: runs are spooled, then replayed exactly once", async () => {
    const down = (await server()).otherwise({ kind: "status", status: 503 });
    const dir = spoolDir();
    const tracer = tracerFor(down.url, {}, { spoolDir: dir, batch: { maxRetries: 2 } });
    const sent = await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expect(tracer.exportStats).toEqual({ exported: 0, dropped: 0 });
    expect(tracer.spooledCount).toBe(30);
    expect(warnings.filter((w) => w.code === "runs_spooled").map((w) => w.message)).toEqual([
      expect.stringMatching(
        new RegExp(`^Spooled 30 runs to ${escape(dir)} \\(export failed: LangSmith /runs/multipart answered 503`),
      ),
    ]);
    expect(down.stored.size).toBe(0);

    const up = await server();
    const result = await replaySpool(dir, new LangSmithRunExporter({ apiUrl: up.url, apiKey: "test-key" }));
    expect(result).toEqual({ files: 3, replayed: 30, remaining: 0, rejected: 0 });
    expectExactlyOnce("down for good → spool → replay", sent, up);
    expect(up.duplicates().posted).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a replay that meets a down endpoint keeps what was not accepted, and a later replay sends the rest once", async () => {
    const dir = spoolDir();
    const down = (await server()).otherwise({ kind: "status", status: 503 });
    const tracer = tracerFor(down.url, {}, { spoolDir: dir, batch: { maxRetries: 0 } });
    const sent = await traceRequests(tracer, 10);
    await tracer.forceFlush();
    expect(tracer.spooledCount).toBe(30);

    // The endpoint accepts one batch of 10, then fails again: 20 runs stay in the spool.
    const flaky = (await server()).next({ kind: "ok" }).otherwise({ kind: "status", status: 500 });
    const exporter = new LangSmithRunExporter({ apiUrl: flaky.url, apiKey: "test-key" });
    const quick = { batchSize: 10, maxRetries: 1, initialBackoffMillis: 1 };
    const first = await replaySpool(dir, exporter, quick);
    expect(first).toMatchObject({ files: 3, replayed: 10, remaining: 20 });
    const second = await replaySpool(dir, exporter, quick);
    expect(second).toMatchObject({ replayed: 0, remaining: 20 });
    flaky.otherwise({ kind: "ok" });
    const third = await replaySpool(dir, exporter, quick);
    expect(second.replayed + third.replayed).toBe(20);
    expect(third.remaining).toBe(0);
    expectExactlyOnce("replay interrupted, then resumed", sent, flaky);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("shutdown() returns by its deadline when the endpoint hangs; queued and in-flight runs are spooled, none lost", async () => {
    const hung = (await server()).otherwise({ kind: "hang" });
    const dir = spoolDir();
    const tracer = tracerFor(
      hung.url,
      { timeoutMillis: 400 },
      { spoolDir: dir, batch: { shutdownTimeoutMillis: 200, scheduledDelayMillis: 3_600_000 } },
    );
    const sent = await traceRequests(tracer, 10);
    await tracer.shutdown();
    // When shutdown returns, every run is accounted for: the batch in flight and the queue were spooled.
    expect(tracer.spooledCount).toBe(30);
    expect(tracer.exportStats).toEqual({ exported: 0, dropped: 0 });
    expect(warnings.filter((w) => w.code === "runs_spooled").map((w) => w.message)).toEqual([
      expect.stringMatching(/^Spooled 30 runs .*\(shutdown deadline\)$/),
    ]);
    // The hung request ends later (its timeout) without spooling or counting its runs a second time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tracer.spooledCount).toBe(30);
    expect(readdirSync(dir)).toHaveLength(1);

    const up = await server();
    expect(await replaySpool(dir, new LangSmithRunExporter({ apiUrl: up.url, apiKey: "test-key" }))).toMatchObject({
      replayed: 30,
      remaining: 0,
    });
    expectExactlyOnce("hung endpoint + shutdown deadline → spool → replay", sent, up);
  });

  it("the spool is size-capped: what does not fit is dropped and counted", async () => {
    const down = (await server()).otherwise({ kind: "status", status: 400 });
    const dir = spoolDir();
    const tracer = tracerFor(down.url, {}, { spoolDir: dir, spoolMaxBytes: 6_000, batch: { maxBatchSize: 100 } });
    await traceRequests(tracer, 10);
    await tracer.forceFlush();
    const { dropped } = tracer.exportStats;
    console.log(`[reliability] spool cap 6,000 bytes: sent 30, spooled ${tracer.spooledCount}, dropped ${dropped}`);
    expect(tracer.spooledCount).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(tracer.spooledCount + dropped).toBe(30);
    const files = readdirSync(dir);
    expect(files.reduce((size, name) => size + readFileSizeOf(join(dir, name)), 0)).toBeLessThanOrEqual(6_000);
    expect(warnings.find((w) => w.code === "runs_dropped")?.message).toBe(`Dropped ${dropped} runs (spool full)`);
  });
});

function readFileSizeOf(path: string): number {
  return readFileSync(path).length;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
