import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RunSchema, type Run } from "../../schemas/index.js";
import { BatchRunProcessor, JsonlRunExporter } from "../../src/export/index.js";
import { makeRun } from "./helpers.js";

const directory = mkdtempSync(join(tmpdir(), "runledger-jsonl-"));
const savedEnv = process.env.RUNLEDGER_TRACES_FILE;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.RUNLEDGER_TRACES_FILE;
  else process.env.RUNLEDGER_TRACES_FILE = savedEnv;
});

function readRuns(path: string): Run[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => RunSchema.parse(JSON.parse(line)));
}

describe("JsonlRunExporter", () => {
  it("appends one run per line, creating the directory", async () => {
    const path = join(directory, "a", "b", "runs.jsonl");
    const exporter = new JsonlRunExporter({ path });
    expect(await exporter.export([makeRun("one"), makeRun("two", { inputs: { text: "line\nbreak" } })])).toEqual({
      code: "success",
    });
    expect(await exporter.export([makeRun("three")])).toEqual({ code: "success" });
    const runs = readRuns(path);
    expect(runs.map((run) => run.name)).toEqual(["one", "two", "three"]);
    expect(runs[1]?.inputs).toEqual({ text: "line\nbreak" });
  });

  it("writes synchronously into a directory it creates, and creates it again when it was removed between batches", () => {
    const parent = join(directory, "sync-made");
    const path = join(parent, "c", "runs.jsonl");
    const exporter = new JsonlRunExporter({ path });
    expect(exporter.exportSync([makeRun("one")])).toEqual({ code: "success" });
    expect(exporter.exportRunTextSync([JSON.stringify(makeRun("two"))])).toEqual({ code: "success" });
    rmSync(parent, { recursive: true });
    expect(exporter.exportRunTextSync([JSON.stringify(makeRun("three"))])).toEqual({ code: "success" });
    expect(readRuns(path).map((run) => run.name)).toEqual(["three"]);
    expect(new JsonlRunExporter({ path: directory }).exportSync([makeRun("r")]).code).toBe("failed"); // not ENOENT
  });

  it("defaults to RUNLEDGER_TRACES_FILE, then runledger-traces.jsonl in the working directory", () => {
    process.env.RUNLEDGER_TRACES_FILE = join(directory, "from-env.jsonl");
    expect(new JsonlRunExporter().path).toBe(join(directory, "from-env.jsonl"));
    delete process.env.RUNLEDGER_TRACES_FILE;
    expect(new JsonlRunExporter().path).toBe(resolve("runledger-traces.jsonl"));
  });

  it("never interleaves lines when two exporters append to one file at the same time", async () => {
    const path = join(directory, "shared.jsonl");
    const writers = ["left", "right"].map((side) => ({ side, exporter: new JsonlRunExporter({ path }) }));
    const big = "x".repeat(64 * 1024); // batches of ~3 MiB: several times the pipe and chunk sizes
    await Promise.all(
      writers.flatMap(({ side, exporter }) =>
        Array.from({ length: 10 }, (_, batch) =>
          exporter.export(Array.from({ length: 50 }, (_, i) => makeRun(`${side}-${batch}-${i}`, { inputs: { big } }))),
        ),
      ),
    );
    const runs = readRuns(path);
    expect(runs).toHaveLength(2 * 10 * 50);
    // One write per batch: every batch's lines are contiguous and in order.
    for (let start = 0; start < runs.length; start += 50) {
      const names = runs.slice(start, start + 50).map((run) => run.name);
      const prefix = names[0]?.replace(/-0$/, "");
      expect(names).toEqual(Array.from({ length: 50 }, (_, i) => `${prefix}-${i}`));
    }
  });

  it("reports a failed write instead of throwing", async () => {
    const exporter = new JsonlRunExporter({ path: directory }); // a directory cannot be appended to
    const result = await exporter.export([makeRun("r")]);
    expect(result.code).toBe("failed");
  });

  it("writes multi-byte text byte for byte through every path, a shorter batch after a longer one included", async () => {
    const path = join(directory, "multibyte.jsonl");
    const exporter = new JsonlRunExporter({ path });
    const texts = ["naïve café", "日本語のテキスト", "emoji 😀 and a lone \ud800 surrogate", "x".repeat(70_000)];
    const runs = texts.map((text, i) => makeRun(`m${i}`, { inputs: { text } }));
    const lines = runs.map((run) => JSON.stringify(run));
    expect(await exporter.export(runs.slice(0, 2))).toEqual({ code: "success" });
    expect(await exporter.exportRunText(lines.slice(2))).toEqual({ code: "success" });
    expect(exporter.exportRunTextSync(lines)).toEqual({ code: "success" }); // the kept buffer grows past 64 KiB
    expect(exporter.exportRunTextSync(lines.slice(0, 1))).toEqual({ code: "success" }); // then is reused, shorter
    expect(exporter.exportSync(runs.slice(1, 3))).toEqual({ code: "success" });
    // At most 1 MiB of bytes, but more than 1 MiB if every character took 3: measured, then kept.
    const large = [...lines.slice(0, 3), JSON.stringify(makeRun("large", { inputs: { text: "é".repeat(400_000) } }))];
    expect(exporter.exportRunTextSync(large)).toEqual({ code: "success" });
    expect(exporter.exportRunTextSync(lines)).toEqual({ code: "success" });
    const expected = [
      ...lines.slice(0, 2),
      ...lines.slice(2),
      ...lines,
      lines[0],
      ...lines.slice(1, 3),
      ...large,
      ...lines,
    ];
    expect(readFileSync(path)).toEqual(Buffer.from(expected.map((line) => `${line}\n`).join("")));
    // Three bytes per character from the first batch: the new buffer is sized for it.
    const widePath = join(directory, "wide.jsonl");
    const wide = [JSON.stringify(makeRun("wide", { inputs: { text: "日".repeat(30_000) } }))];
    expect(new JsonlRunExporter({ path: widePath }).exportRunTextSync(wide)).toEqual({ code: "success" });
    expect(readFileSync(widePath, "utf8")).toBe(`${wide[0]}\n`);
  });

  it("works as the processor's exporter", async () => {
    const path = join(directory, "processor.jsonl");
    const processor = new BatchRunProcessor(new JsonlRunExporter({ path }), { maxBatchSize: 2 });
    for (let i = 0; i < 5; i++) processor.onEnd(makeRun(`p${i}`));
    await processor.shutdown();
    expect(readRuns(path).map((run) => run.name)).toEqual(["p0", "p1", "p2", "p3", "p4"]);
  });
});
