import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/retained-memory.ts", import.meta.url));

describe("RunTracer: no state retained after traces end", () => {
  it("holds nothing after 100,000 traces, abandoned children included", () => {
    // A child process, so the heap is measured with --expose-gc and nothing else running.
    const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", fixture, "100000"], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 240_000,
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout.trim()) as Record<string, number>;
    console.log(
      `100,000 traces: heap ${(result.heapBefore! / 2 ** 20).toFixed(2)} MiB → ${(result.heapAfter! / 2 ** 20).toFixed(2)} MiB ` +
        `(${((result.heapAfter! - result.heapBefore!) / 1024).toFixed(0)} KiB retained)`,
    );
    // Four runs per trace (root, model call, leaf, abandoned call exported unfinished), plus the warm-up.
    expect(result.exported).toBe(4 * (100_000 + 2000));
    expect(result.dropped).toBe(0);
    expect(result.warnings).toBe(0);
    expect(result.size).toBe(0);
    expect(result.handedOver).toBe(0);
    // Holding even one 1 KiB record per trace would be 100 MiB; a leak-free tracer stays flat.
    expect(result.heapAfter! - result.heapBefore!).toBeLessThan(4 * 2 ** 20);
  }, 300_000);
});
