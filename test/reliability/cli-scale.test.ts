import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { Sink } from "../support/sink.js";

// The CLI on files a red team wrote: one line too deeply nested to validate, a trace thousands of
// runs deep, 130,000 model names, a spool file that cannot be read. Each is skipped and reported or
// handled in output linear in its size; nothing aborts the command.
const directory = mkdtempSync(join(tmpdir(), "runledger-cli-scale-"));
const id = (i: number): string => `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`;

function run(i: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: id(i),
    trace_id: id(i),
    name: `run-${i}`,
    run_type: "chain",
    inputs: {},
    start_time: `2026-01-01T00:00:00.${String(i % 1_000_000).padStart(6, "0")}Z`,
    end_time: "2026-01-01T00:00:02.000000Z",
    dotted_order: `20260101T000000${String(i % 1_000_000).padStart(6, "0")}Z${id(i)}`,
    ...fields,
  };
}

async function cli(...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runCli(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function write(name: string, lines: string[]): string {
  const file = join(directory, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("the CLI on deep, wide and poisoned input", () => {
  it("skips and reports a line nested too deeply to validate (child_runs 5,000 deep); the rest is reported", async () => {
    const depth = 5_000;
    const nested = `${'{"child_runs":['.repeat(depth)}{}${"]}".repeat(depth)}`;
    const poisoned = `${JSON.stringify(run(1)).slice(0, -1)},"child_runs":[${nested}]}`;
    const file = write("nested.jsonl", [poisoned, JSON.stringify(run(2))]);
    for (const argv of [["report"], ["report", "--json"], ["html", "-o", join(directory, "nested.html")]]) {
      const [command = "report", ...options] = argv;
      const { code, stderr } = await cli(command, file, ...options);
      expect(code).toBe(0);
      expect(stderr).toContain(`${file}:1: `);
    }
    expect((JSON.parse((await cli("report", file, "--json")).stdout) as { runs: number }).runs).toBe(1);
  });

  it("draws a trace 3,000 runs deep in text, JSON and HTML, with output linear in the depth", async () => {
    const depth = 3_000;
    const lines = Array.from({ length: depth }, (_, i) =>
      JSON.stringify(run(i, { trace_id: id(0), ...(i > 0 ? { parent_run_id: id(i - 1) } : {}) })),
    );
    const file = write("deep.jsonl", lines);
    const text = await cli("report", file, "--max-runs-per-trace", String(depth));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`run-${depth - 1} (chain)`);
    expect(text.stdout).toContain(`[depth ${depth - 1}]`);
    const json = await cli("report", file, "--json", "--max-runs-per-trace", String(depth));
    expect(json.code).toBe(0);
    const runs = (JSON.parse(json.stdout) as { traces: { runs: { depth: number }[] }[] }).traces[0]?.runs ?? [];
    expect(runs.map((entry) => entry.depth)).toEqual(Array.from({ length: depth }, (_, i) => i));
    // Linear: a bounded number of bytes per run, whatever its depth (nested output grew with depth²).
    expect(text.stdout.length / depth).toBeLessThan(400);
    expect(json.stdout.length / depth).toBeLessThan(1_000);
    const html = await cli("html", file, "-o", join(directory, "deep.html"), "--max-runs-per-trace", String(depth));
    expect(html.code).toBe(0);
  });

  it("reports 130,000 model names in text, JSON and HTML", async () => {
    const models = 130_000;
    const lines = Array.from({ length: models }, (_, i) =>
      JSON.stringify(
        run(i, {
          run_type: "llm",
          extra: { metadata: { ls_model_name: `model-${i}` } },
          outputs: { usage_metadata: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } },
        }),
      ),
    );
    const file = write("models.jsonl", lines);
    const text = await cli("report", file);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^total +130,000 /m);
    expect(text.stdout).toContain("and 129,980 more (register one with registerPrices)");
    const json = await cli("report", file, "--json");
    expect((JSON.parse(json.stdout) as { models: unknown[] }).models).toHaveLength(models);
    expect((await cli("html", file, "-o", join(directory, "models.html"))).code).toBe(0);
  }, 120_000);

  it("replay: an unreadable spool file is reported and kept, the later ones are still replayed", async () => {
    const spool = join(directory, "spool");
    mkdirSync(spool);
    // A directory with a spool file's name is not read (nor removed): reported and left in place.
    mkdirSync(join(spool, "spool-1-1-aa.jsonl"));
    writeFileSync(join(spool, "spool-2-1-bb.jsonl"), `${JSON.stringify(run(7))}\n`);
    const target = join(directory, "replayed.jsonl");
    const { code, stderr } = await cli("replay", spool, "--to", target);
    expect(stderr).toContain("spool-1-1-aa.jsonl:0: not a regular file (a symbolic link?): skipped");
    expect(stderr).toContain("replayed 1 run(s) from 2 spool file(s)");
    expect(code).toBe(1); // something was left behind
    expect(readFileSync(target, "utf8")).toContain(id(7));
    expect(readdirSync(spool)).toEqual(["spool-1-1-aa.jsonl"]);
  });
});
