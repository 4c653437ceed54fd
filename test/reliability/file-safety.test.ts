import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Run } from "../../schemas/index.js";
import { BatchRunProcessor, JsonlRunExporter, InMemoryRunExporter, replaySpool } from "../../src/export/index.js";
import { RunSpool } from "../../src/export/spool.js";
import { captureWarnings } from "../support/warnings-capture.js";

const warnings = captureWarnings();
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

function run(id: string, name = "step"): Run {
  return {
    id,
    trace_id: id,
    name,
    run_type: "chain",
    start_time: "2026-01-01T00:00:00.000000Z",
    end_time: "2026-01-01T00:00:01.000000Z",
    dotted_order: `20260101T000000000000Z${id}`,
    inputs: { question: "q" },
    outputs: { answer: "a" },
  } as Run;
}
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const privateDir = (): string => mkdtempSync(join(tmpdir(), "runledger-files-"));

describe("spool and replay: no symbolic link followed, unsafe directories refused, files 0600", () => {
  it("replay skips a spool file that is a symbolic link (no arbitrary read) and never appends through a planted rejected- link", async () => {
    const dir = privateDir();
    const outside = join(privateDir(), "secret.jsonl");
    writeFileSync(outside, `${JSON.stringify(run(id(99), "stolen"))}\n`);
    const victim = join(privateDir(), "victim.txt");
    writeFileSync(victim, "original\n");
    symlinkSync(outside, join(dir, "spool-1-1-aa.jsonl"));
    writeFileSync(join(dir, "spool-2-1-bb.jsonl"), `${JSON.stringify(run(id(1)))}\nnot json\n`, { mode: 0o600 });
    symlinkSync(victim, join(dir, "rejected-spool-2-1-bb.jsonl"));
    const problems: string[] = [];
    const memory = new InMemoryRunExporter();
    const result = await replaySpool(dir, memory, { onProblem: (p) => problems.push(`${p.file}: ${p.message}`) });
    expect(memory.getFinishedRuns().map((r) => r.name)).toEqual(["step"]); // not "stolen"
    expect(result).toMatchObject({ replayed: 1, rejected: 1 });
    expect(problems).toContain("spool-1-1-aa.jsonl: not a regular file (a symbolic link?): skipped");
    expect(readFileSync(victim, "utf8")).toBe("original\n");
    expect(readFileSync(outside, "utf8")).toContain("stolen"); // untouched
  });

  it("a world-writable spool directory is refused with a warning: not written, not replayed, runs counted", async () => {
    const dir = join(privateDir(), "shared");
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    await expect(new RunSpool(dir).write([run(id(1))])).rejects.toThrow(/writable by others \(mode 777\)/);
    const processor = new BatchRunProcessor(
      {
        export: () => Promise.resolve({ code: "failed", error: new Error("down") }),
        shutdown: () => Promise.resolve(),
      },
      { spoolDir: dir, maxRetries: 0 },
    );
    processor.onEnd(run(id(2)));
    await processor.shutdown();
    expect([processor.spooledCount, processor.droppedCount]).toEqual([0, 1]);
    expect(warnings.map((w) => w.message).join("\n")).toMatch(
      /Dropped 1 run \(export failed: spool directory not used: .* writable by others/,
    );
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, "spool-1-1-aa.jsonl"), `${JSON.stringify(run(id(3)))}\n`);
    const result = await replaySpool(dir, new InMemoryRunExporter());
    expect(result.replayed).toBe(0);
    expect(warnings.some((w) => w.code === "unsafe_spool")).toBe(true);
  });

  it("spool files and the JSONL traces file are created 0600; fileMode configures the latter", async () => {
    const dir = privateDir();
    await new RunSpool(dir).write([run(id(1))]);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    const path = join(privateDir(), "traces.jsonl");
    await new JsonlRunExporter({ path }).export([run(id(2))]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const shared = join(privateDir(), "shared.jsonl");
    await new JsonlRunExporter({ path: shared, fileMode: 0o640 }).export([run(id(3))]);
    expect(statSync(shared).mode & 0o777).toBe(0o640);
  });
});

describe("disk full mid-batch: no line cut short, counts honest, the next batch intact", () => {
  it("a file size limit hit inside a batch rolls the batch back; the runs are counted dropped, never exported", () => {
    const path = join(privateDir(), "traces.jsonl");
    // A real short write: the child's file size limit (RLIMIT_FSIZE, 8 KiB) ends a 20-run batch part way.
    const script = `
      import { JsonlRunExporter } from "${resolve(repoRoot, "src/export/index.ts")}";
      const exporter = new JsonlRunExporter({ path: ${JSON.stringify(path)} });
      const run = (i) => ({ id: "00000000-0000-4000-8000-" + String(i).padStart(12, "0"), name: "step", run_type: "chain",
        start_time: "2026-01-01T00:00:00.000000Z", inputs: { text: "x".repeat(600) } });
      let exported = 0, failed = 0;
      for (let b = 0; b < 4; b++) {
        const batch = Array.from({ length: 5 }, (_, i) => run(b * 5 + i));
        const result = await exporter.export(batch);
        if (result.code === "success") exported += batch.length; else failed += batch.length;
      }
      console.log(JSON.stringify({ exported, failed }));`;
    const out = execFileSync(
      "bash",
      ["-c", `ulimit -f 8; exec node --import tsx --input-type=module -e "$0"`, script],
      {
        cwd: repoRoot,
        encoding: "utf8",
      },
    );
    const { exported, failed } = JSON.parse(out.trim().split("\n").pop() as string) as {
      exported: number;
      failed: number;
    };
    expect(failed).toBeGreaterThan(0);
    expect(exported + failed).toBe(20);
    const lines = readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "");
    expect(lines).toHaveLength(exported); // what was counted exported is exactly what is there
    for (const line of lines) JSON.parse(line);
    expect(readFileSync(path, "utf8").endsWith("\n")).toBe(true);
  });
});
