import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/load.ts", import.meta.url));
const MiB = 2 ** 20;

interface ScopeCheck {
  measured: unknown;
  expected: unknown;
}

describe("load: 10,000 concurrent traced runs in nested withUsageMetadata scopes", () => {
  it("gives exact per-scope totals and the heap returns to its baseline", () => {
    // A child process: the heap is measured with --expose-gc and nothing else running.
    const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", fixture, "10", "10", "100"], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 240_000,
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout.trim()) as {
      runs: number;
      peakInFlight: number;
      exported: number;
      exportedTokens: number;
      dropped: number;
      held: number;
      outer: ScopeCheck & { measured: Record<string, { total_tokens: number }> };
      middle: ScopeCheck[];
      inner: ScopeCheck[];
      heapBefore: number;
      peakHeap: number;
      heapAfter: number;
    };
    const total = Object.values(result.outer.measured).reduce((sum, model) => sum + model.total_tokens, 0);
    console.log(
      `[reliability] load: ${result.runs} runs (${result.peakInFlight} in flight at once), ${result.middle.length + result.inner.length + 1} scopes, ` +
        `outer total ${total} tokens (${JSON.stringify(result.outer.measured)}); exported ${result.exported} runs; ` +
        `heap ${(result.heapBefore / MiB).toFixed(2)} MiB → peak ${(result.peakHeap / MiB).toFixed(2)} MiB → ${(result.heapAfter / MiB).toFixed(2)} MiB`,
    );
    expect(result.runs).toBe(10_000);
    expect(result.peakInFlight).toBe(10_000); // truly concurrent
    // Every scope's totals equal the arithmetic over the runs it encloses, per model, details included.
    expect(result.outer.measured).toEqual(result.outer.expected);
    expect(result.middle).toHaveLength(10);
    for (const scope of result.middle) expect(scope.measured).toEqual(scope.expected);
    expect(result.inner).toHaveLength(100);
    for (const scope of result.inner) expect(scope.measured).toEqual(scope.expected);
    // The tracer saw the same: each traced run and its model call exported once, tokens matching.
    expect(result.exported).toBe(20_000);
    expect(result.exportedTokens).toBe(total);
    expect(result.dropped).toBe(0);
    expect(result.held).toBe(0);
    // Holding even 1 KiB per run would be 10 MiB; the peak is far above that, the end is back at the baseline.
    expect(result.peakHeap - result.heapBefore).toBeGreaterThan(10 * MiB);
    expect(result.heapAfter - result.heapBefore).toBeLessThan(4 * MiB);
  }, 300_000);
});
