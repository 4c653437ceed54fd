import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRuns, type LineProblem } from "../../src/cli/index.js";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/cli");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "runledger-read-runs-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function minimalRun(index: number): string {
  const hex = index.toString(16).padStart(12, "0");
  const id = `00000000-0000-4000-8000-${hex}`;
  return JSON.stringify({
    id,
    trace_id: id,
    dotted_order: `20261120T100000000000Z${id}`,
    name: `run-${index}`,
    run_type: "llm",
    start_time: "2026-11-20T10:00:00.000000Z",
    end_time: "2026-11-20T10:00:00.250000Z",
    inputs: {},
    extra: {
      metadata: {
        ls_model_name: "gpt-4o-mini",
        usage_metadata: { input_tokens: 10, output_tokens: 2, total_tokens: 12 },
      },
    },
  });
}

async function collect(file: string, options: Parameters<typeof readRuns>[1] = {}) {
  const problems: LineProblem[] = [];
  const runs: { name: string; line: number }[] = [];
  for await (const { run, line } of readRuns(file, { ...options, onProblem: (p) => problems.push(p) })) {
    runs.push({ name: run.name, line });
  }
  return { runs, problems };
}

describe("readRuns", () => {
  it("reads every run of a JSONL file with its line number", async () => {
    const { runs, problems } = await collect(path.join(fixtures, "traces.jsonl"));
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(9);
    expect(runs.map((run) => run.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(runs[3]?.name).toBe("support_agent");
  });

  it("names malformed lines by number and reads on", async () => {
    const { runs, problems } = await collect(path.join(fixtures, "with-problems.jsonl"));
    expect(runs).toHaveLength(9);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ line: 4 });
    expect(problems[0]?.message).toMatch(/^invalid JSON: /);
    expect(problems[1]).toMatchObject({ line: 8 });
    expect(problems[1]?.message).toMatch(/^not a run: trace_id: /);
    // Lines after the problems keep their own numbers (the blank line 9 is skipped silently).
    expect(runs.at(-1)?.line).toBe(12);
  });

  it("handles CRLF, blank lines and a last line without a newline", async () => {
    const file = path.join(dir, "crlf.jsonl");
    writeFileSync(file, `${minimalRun(1)}\r\n\r\n${minimalRun(2)}\r\n${minimalRun(3)}`);
    const { runs, problems } = await collect(file);
    expect(problems).toEqual([]);
    expect(runs).toEqual([
      { name: "run-1", line: 1 },
      { name: "run-2", line: 3 },
      { name: "run-3", line: 4 },
    ]);
  });

  it("skips a line longer than the limit, even across chunks, and reads on", async () => {
    const file = path.join(dir, "long.jsonl");
    const long = JSON.stringify({ filler: "x".repeat(5000) });
    writeFileSync(file, `${minimalRun(1)}\n${long}\n${minimalRun(2)}\n${long}`);
    const { runs, problems } = await collect(file, { maxLineBytes: 1000, chunkBytes: 256 });
    expect(runs.map((run) => run.line)).toEqual([1, 3]);
    expect(problems.map((problem) => problem.line)).toEqual([2, 4]);
    expect(problems[0]?.message).toMatch(/longer than 1000 bytes/);
  });

  it("keeps lines that straddle chunk boundaries intact", async () => {
    const file = path.join(dir, "chunks.jsonl");
    writeFileSync(file, Array.from({ length: 50 }, (_, index) => minimalRun(index)).join("\n") + "\n");
    const { runs, problems } = await collect(file, { chunkBytes: 7 });
    expect(problems).toEqual([]);
    expect(runs.map((run) => run.name)).toEqual(Array.from({ length: 50 }, (_, index) => `run-${index}`));
  });

  it("streams a 200k-line file: a run is handed out before the file is read, and all are read", async () => {
    const file = path.join(dir, "large.jsonl");
    writeFileSync(file, "");
    const batch = 10_000;
    for (let start = 0; start < 200_000; start += batch) {
      appendFileSync(file, Array.from({ length: batch }, (_, index) => minimalRun(start + index)).join("\n") + "\n");
    }
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(50_000_000);

    const reader = readRuns(file);
    let count = 0;
    let bytesAtFirstRun = -1;
    let bytesAtThousandthRun = -1;
    let maxLead = 0;
    for await (const { line } of reader) {
      count++;
      if (count === 1) bytesAtFirstRun = reader.bytesRead;
      if (count === 1000) bytesAtThousandthRun = reader.bytesRead;
      // How far the file read runs ahead of the consumer: one chunk at most.
      maxLead = Math.max(maxLead, reader.bytesRead - (line / 200_000) * size);
    }
    expect(count).toBe(200_000);
    expect(reader.problemCount).toBe(0);
    expect(reader.linesRead).toBe(200_000);
    expect(reader.bytesRead).toBe(size);
    expect(bytesAtFirstRun).toBeLessThanOrEqual(64 * 1024);
    expect(bytesAtThousandthRun).toBeLessThan(size / 50);
    expect(maxLead).toBeLessThan(128 * 1024);
  }, 120_000);
});
