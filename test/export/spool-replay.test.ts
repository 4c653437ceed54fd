import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replaySpool } from "../../src/export/index.js";
import { RunSpool, SPOOL_FILE } from "../../src/export/spool.js";
import { makeRun, ScriptedExporter } from "./helpers.js";

function directory(): string {
  return mkdtempSync(join(tmpdir(), "runledger-spool-unit-"));
}

describe("RunSpool", () => {
  it("writes each batch as one private JSON Lines file, never a partial one", async () => {
    const spool = new RunSpool(join(directory(), "nested"));
    const runs = [makeRun("a"), makeRun("b")];
    expect(await spool.write(runs)).toEqual({ written: 2, overCap: 0 });
    expect(spool.writeSync([makeRun("c")])).toEqual({ written: 1, overCap: 0 });
    const files = readdirSync(spool.dir);
    expect(files).toHaveLength(2);
    for (const name of files) {
      expect(name).toMatch(SPOOL_FILE);
      expect(statSync(join(spool.dir, name)).mode & 0o777).toBe(0o600);
    }
    const names = files
      .flatMap((name) => readFileSync(join(spool.dir, name), "utf8").trim().split("\n"))
      .map((line) => (JSON.parse(line) as { name: string }).name);
    expect(names.sort()).toEqual(["a", "b", "c"]);
  });

  it("keeps the directory's spool files under the cap, reporting what did not fit", async () => {
    const one = Buffer.byteLength(`${JSON.stringify(makeRun("x"))}\n`);
    const spool = new RunSpool(directory(), one * 3 + 10);
    expect(await spool.write([makeRun("1"), makeRun("2")])).toEqual({ written: 2, overCap: 0 });
    expect(await spool.write([makeRun("3"), makeRun("4"), makeRun("5")])).toEqual({ written: 1, overCap: 2 });
    expect(spool.writeSync([makeRun("6")])).toEqual({ written: 0, overCap: 1 });
    const size = readdirSync(spool.dir).reduce((sum, name) => sum + statSync(join(spool.dir, name)).size, 0);
    expect(size).toBeLessThanOrEqual(one * 3 + 10);
  });
});

describe("replaySpool", () => {
  it("sends every run, oldest file first, deletes each file once accepted, and sets aside lines that are not runs", async () => {
    const dir = directory();
    const spool = new RunSpool(dir);
    await spool.write([makeRun("first")]);
    await new Promise((resolve) => setTimeout(resolve, 2)); // a later file name
    await spool.write([makeRun("second"), makeRun("third")]);
    const [, later] = readdirSync(dir).sort();
    writeFileSync(
      join(dir, later as string),
      `not json\n${readFileSync(join(dir, later as string), "utf8")}{"id":"x"}\n`,
    );
    const exporter = new ScriptedExporter();
    const problems: string[] = [];
    const result = await replaySpool(dir, exporter, {
      onProblem: (problem) => problems.push(`${problem.line}: ${problem.message}`),
    });
    expect(result).toEqual({ files: 2, replayed: 3, remaining: 0, rejected: 2 });
    expect(exporter.batches.map((batch) => batch.map((run) => run.name))).toEqual([["first"], ["second", "third"]]);
    expect(problems).toEqual([expect.stringMatching(/^1: invalid JSON/), expect.stringMatching(/^4: not a run: /)]);
    expect(readdirSync(dir)).toEqual([`rejected-${later}`]);
    expect(readFileSync(join(dir, `rejected-${later}`), "utf8")).toBe('not json\n{"id":"x"}\n');
  });

  it("retries as the server asks, and keeps exactly the runs not accepted when it gives up", async () => {
    const dir = directory();
    await new RunSpool(dir).write([makeRun("a"), makeRun("b"), makeRun("c")]);
    const waits: number[] = [];
    const exporter = new ScriptedExporter(
      { code: "retryable", retryAfterMillis: 1500 },
      { code: "success" },
      { code: "failed", error: new Error("400 rejected") },
    );
    const result = await replaySpool(dir, exporter, { batchSize: 2, sleep: async (millis) => void waits.push(millis) });
    expect(waits).toEqual([1500]);
    expect(result).toMatchObject({ files: 1, replayed: 2, remaining: 1, rejected: 0 });
    expect(String(result.error)).toBe("Error: 400 rejected");
    const [file] = readdirSync(dir);
    expect(
      readFileSync(join(dir, file as string), "utf8")
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { name: string }).name),
    ).toEqual(["c"]);
  });

  it("sends a run id that stands twice in the spool once, also when a replay stops and is run again", async () => {
    // A batch spooled at a signal while it was being sent, then spooled again at exit, holds the same runs twice.
    const dir = directory();
    const spool = new RunSpool(dir);
    const [a, c] = [makeRun("a"), makeRun("c")];
    await spool.write([a]);
    await new Promise((resolve) => setTimeout(resolve, 2)); // a later file name
    await spool.write([a, c, c]);
    const failing = new ScriptedExporter({ code: "success" }, { code: "failed", error: new Error("down") });
    const first = await replaySpool(dir, failing);
    expect(first).toMatchObject({ files: 2, replayed: 1, remaining: 1, duplicates: 2 });
    const second = new ScriptedExporter();
    expect(await replaySpool(dir, second)).toEqual({ files: 1, replayed: 1, remaining: 0, rejected: 0 });
    const sent = [...failing.batches.slice(0, 1), ...second.batches].flat().map((run) => run.name);
    expect(sent).toEqual(["a", "c"]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("treats an exporter that throws as a failed export: nothing is deleted", async () => {
    const dir = directory();
    await new RunSpool(dir).write([makeRun("kept")]);
    const result = await replaySpool(dir, {
      async export() {
        throw new Error("exporter bug");
      },
    });
    expect(result).toMatchObject({ replayed: 0, remaining: 1 });
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
