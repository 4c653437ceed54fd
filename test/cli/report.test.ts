import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { buildReport, type RunNode } from "../../src/cli/index.js";
import { renderHtmlReport } from "../../src/cli/html.js";
import { renderTextReport } from "../../src/cli/text-report.js";
import { runCli } from "../../src/cli/run-cli.js";
import { clearUnpricedModels } from "../../src/cost/index.js";
import { Sink } from "../support/sink.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const fixtures = path.join(repoRoot, "test/fixtures/cli");
const traces = path.join(fixtures, "traces.jsonl");
const withProblems = path.join(fixtures, "with-problems.jsonl");
const M = 1_000_000;

// Expected costs from the fixture's usage and the built-in prices (@pydantic/genai-prices), written out by hand.
const GPT_4O_MINI = (1024 * 0.075 + 176 * 0.15 + 150 * 0.6) / M;
const SONNET_4_5 = (2000 * 0.3 + 500 * 3.75 + 500 * 3 + 400 * 15) / M;
const O4_MINI_RECORDED = 0.00407;
const HAIKU_4_5 = (420 * 1 + 60 * 5) / M;

async function cli(...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  // Standard input ("-") holds the fixture's traces.
  const stdin = Readable.from([readFileSync(traces)]);
  const code = await runCli(argv, { stdout, stderr, stdin, now: () => Date.parse("2026-11-20T12:00:00Z") });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function shape(node: RunNode): unknown {
  return { name: node.run.name, children: node.children.map(shape) };
}

afterEach(() => {
  clearUnpricedModels();
});

describe("buildReport", () => {
  it("builds each trace's tree whatever the order of the lines (children come before parents), newest trace first", async () => {
    const report = await buildReport(traces);
    expect(report.traces.map((trace) => trace.traceId)).toEqual([
      "5c1d7e90-3a4b-4f6c-8d2e-9a0b1c2d3e01", // summarize_ticket, 11:30
      "0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9b01", // support_agent, 10:00
    ]);
    expect(report.traces[1]?.roots.map(shape)).toEqual([
      {
        name: "support_agent",
        children: [
          { name: "ChatOpenAI", children: [] },
          { name: "search_orders", children: [] },
          { name: "ChatAnthropic", children: [] },
          { name: "ChatOpenAI", children: [] },
          { name: "ChatAnthropic", children: [] },
        ],
      },
    ]);
    expect(report.traces[0]?.roots.map(shape)).toEqual([
      {
        name: "summarize_ticket",
        children: [{ name: "RunnableSequence", children: [{ name: "ChatAnthropic", children: [] }] }],
      },
    ]);
  });

  it("totals tokens exactly per model, and costs from the run when recorded, else from prices", async () => {
    const report = await buildReport(traces);
    const byModel = Object.fromEntries(report.models.map((model) => [model.model, model]));
    expect(Object.keys(byModel).sort()).toEqual([
      "claude-haiku-4-5-20251001",
      "claude-sonnet-4-5-20250929",
      "gpt-4o-mini-2024-07-18",
      "o4-mini-2025-04-16",
    ]);
    expect(byModel["gpt-4o-mini-2024-07-18"]).toMatchObject({
      calls: 1,
      errors: 0,
      input_tokens: 1200,
      cached_tokens: 1024,
      output_tokens: 150,
      reasoning_tokens: 0,
      total_tokens: 1350,
    });
    expect(byModel["claude-sonnet-4-5-20250929"]).toMatchObject({
      calls: 1,
      input_tokens: 3000,
      cached_tokens: 2000,
      cache_write_tokens: 500,
      output_tokens: 400,
      reasoning_tokens: 120,
    });
    expect(byModel["o4-mini-2025-04-16"]).toMatchObject({
      calls: 1,
      input_tokens: 500,
      output_tokens: 800,
      reasoning_tokens: 640,
    });
    expect(byModel["claude-haiku-4-5-20251001"]).toMatchObject({
      calls: 2,
      errors: 1,
      input_tokens: 420,
      output_tokens: 60,
    });

    expect(byModel["gpt-4o-mini-2024-07-18"]?.cost).toBeCloseTo(GPT_4O_MINI, 15);
    expect(byModel["claude-sonnet-4-5-20250929"]?.cost).toBeCloseTo(SONNET_4_5, 15);
    expect(byModel["o4-mini-2025-04-16"]?.cost).toBe(O4_MINI_RECORDED); // recorded, not (500*1.1+800*4.4)/M
    expect(byModel["claude-haiku-4-5-20251001"]?.cost).toBeCloseTo(HAIKU_4_5, 15);

    expect(report.totals).toMatchObject({
      calls: 5,
      errors: 1,
      input_tokens: 5120,
      cached_tokens: 3024,
      output_tokens: 1410,
      reasoning_tokens: 760,
      total_tokens: 6530,
    });
    expect(report.totals.cost).toBeCloseTo(GPT_4O_MINI + SONNET_4_5 + O4_MINI_RECORDED + HAIKU_4_5, 15);
    // A trace's total is the sum over its LLM runs.
    expect(report.traces[0]?.totals.cost).toBeCloseTo(HAIKU_4_5, 15);
  });

  it("reads past malformed lines to the same report", async () => {
    const problems: { line: number; message: string }[] = [];
    const report = await buildReport(withProblems, { onProblem: (problem) => problems.push(problem) });
    const clean = await buildReport(traces);
    expect(problems.map((problem) => problem.line)).toEqual([4, 8]);
    expect(report.problemCount).toBe(2);
    expect(report.totals).toEqual(clean.totals);
    expect(report.models).toEqual(clean.models);
    expect(report.traces.map((trace) => trace.runCount)).toEqual([3, 6]);
  });

  it("keeps only the newest traces for drawing but counts every run", async () => {
    const report = await buildReport(traces, { maxTraces: 1 });
    expect(report.traces.map((trace) => trace.traceId)).toEqual(["5c1d7e90-3a4b-4f6c-8d2e-9a0b1c2d3e01"]);
    expect(report.runsInOtherTraces).toBe(6);
    expect(report.totals.calls).toBe(5);
  });

  it("shows a run whose parent is filtered out as a root of its trace", async () => {
    const report = await buildReport(traces, { filter: { model: "claude-haiku-4-5" } });
    expect(report.runs).toBe(2);
    expect(report.traces.map((trace) => trace.roots.map((root) => root.run.name))).toEqual([
      ["ChatAnthropic"],
      ["ChatAnthropic"],
    ]);
  });

  it("counts a failed call under the dated model its retry reported; costs rounded for display, exact in --json", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "runledger-group-"));
    const file = path.join(dir, "traces.jsonl");
    const llm = (id: string, fields: Record<string, unknown>) => ({
      id: `7d9e1f20-2222-4aaa-8bbb-00000000000${id}`,
      trace_id: "7d9e1f20-2222-4aaa-8bbb-000000000001",
      dotted_order: `20261121T09000${id}000000Z7d9e1f20-2222-4aaa-8bbb-00000000000${id}`,
      name: "ChatAnthropic",
      run_type: "llm",
      start_time: `2026-11-21T09:00:0${id}.000000Z`,
      end_time: `2026-11-21T09:00:0${id}.500000Z`,
      inputs: { messages: [{ role: "user", content: "first line\nsecond line" }] },
      ...fields,
    });
    const runs = [
      // The request names the alias; the call fails before any response names the snapshot.
      llm("1", {
        outputs: null,
        error: "RateLimitError: 429\n    at retry (client.js:1:1)",
        extra: { metadata: { ls_model_name: "claude-haiku-4-5" } },
      }),
      // Its retry: the response names the dated snapshot. Recorded costs whose sum is float noise.
      llm("2", {
        outputs: {
          llm_output: { model_name: "claude-haiku-4-5-20251001" },
          usage_metadata: {
            input_tokens: 1,
            output_tokens: 1,
            total_tokens: 2,
            input_cost: 0.0000012,
            output_cost: 0.000006,
          },
        },
        extra: { metadata: { ls_model_name: "claude-haiku-4-5" } },
      }),
      // A failed call with no response anywhere keeps the name it asked for.
      llm("3", { outputs: null, error: "APIError: 500", extra: { metadata: { ls_model_name: "gpt-4o" } } }),
    ];
    writeFileSync(file, runs.map((run) => JSON.stringify(run)).join("\n") + "\n");
    const noisy = 0.0000012 + 0.000006;
    expect(String(noisy)).toBe("0.0000072000000000000005");

    const report = await buildReport(file);
    expect(report.models.map((model) => [model.model, model.calls, model.errors])).toEqual([
      ["claude-haiku-4-5-20251001", 2, 1],
      ["gpt-4o", 1, 1],
    ]);
    const html = renderHtmlReport(report);
    expect(html).toContain("$0.00000720");
    expect(html).not.toContain("0000000005");
    // The details panel's data: inputs with their line break, the whole error.
    const data = JSON.parse(/id="runledger-data">([^<]*)</.exec(html)?.[1] ?? "{}") as {
      runs: Record<string, { inputs?: string; error?: string }>;
    };
    const failed = data.runs["7d9e1f20-2222-4aaa-8bbb-000000000001"];
    expect(failed?.inputs).toContain("first line\nsecond line");
    expect(failed?.error).toBe("RateLimitError: 429\n    at retry (client.js:1:1)");

    const { stdout } = await cli("report", file, "--json");
    const json = JSON.parse(stdout) as { totals: { cost: number } };
    expect(json.totals.cost).toBe(noisy);
  });

  it("lists models that have usage but no price", async () => {
    const report = await buildReport(path.join(fixtures, "unpriced.jsonl"));
    expect(report.unpricedModels).toEqual(["in-house-llm-v3"]);
    expect(report.totals.unpriced_calls).toBe(1);
    expect(renderTextReport(report)).toMatch(/No price for: in-house-llm-v3/);
  });
});

describe("runledger report", () => {
  it("prints the trees with errors marked, then the per-model table with totals", async () => {
    const { code, stdout, stderr } = await cli("report", traces);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const lines = stdout.split("\n");
    const agent = lines.findIndex((line) => line.startsWith("└─ support_agent (chain)  3.25s"));
    expect(agent).toBeGreaterThan(0);
    expect(lines[agent + 1]).toMatch(
      /^ {3}├─ ChatOpenAI \(llm gpt-4o-mini-2024-07-18\) {2}800ms {2}in 1,200 \(cached 1,024\) out 150 {2}~\$0\.000193$/,
    );
    expect(lines[agent + 2]).toMatch(/^ {3}├─ search_orders \(tool\) {2}350ms$/);
    expect(lines[agent + 3]).toContain("in 3,000 (cached 2,000) out 400 (reasoning 120)  ~$0.00997");
    expect(lines[agent + 4]).toContain(
      "ChatOpenAI (llm o4-mini-2025-04-16)  350ms  in 500 out 800 (reasoning 640)  $0.00407",
    );
    expect(lines[agent + 5]).toMatch(
      /^ {3}└─ ChatAnthropic \(llm claude-haiku-4-5-20251001\) {2}30ms {2}✗ ERROR: RateLimitError: 429 Too Many Requests$/,
    );
    expect(stdout).toMatch(
      /^ {6}└─ ChatAnthropic \(llm claude-haiku-4-5-20251001\) {2}1\.30s {2}in 420 out 60 {2}~\$0\.000720$/m,
    );
    expect(stdout).toMatch(/^claude-haiku-4-5-20251001 +2 +1 +420 +0 +60 +0 +\$0\.000720$/m);
    expect(stdout).toMatch(/^total +5 +1 +5,120 +3,024 +1,410 +760 +\$0\.0150$/m);
  });

  it("--json gives the same data for machines", async () => {
    const { code, stdout } = await cli("report", traces, "--json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as {
      runs: number;
      totals: { calls: number; cost: number };
      models: { model: string }[];
      traces: {
        trace_id: string;
        runs: { name: string; depth: number; parent_run_id: string | null; error: string | null; cost: unknown }[];
      }[];
    };
    expect(json.runs).toBe(9);
    expect(json.totals.calls).toBe(5);
    expect(json.totals.cost).toBeCloseTo(GPT_4O_MINI + SONNET_4_5 + O4_MINI_RECORDED + HAIKU_4_5, 15);
    // A flat list in tree order: the root at depth 0, its children after it at depth 1.
    const [agent, ...children] = json.traces[1]?.runs ?? [];
    expect([agent?.name, agent?.depth]).toEqual(["support_agent", 0]);
    expect(children.map((child) => [child.name, child.depth])).toEqual([
      ["ChatOpenAI", 1],
      ["search_orders", 1],
      ["ChatAnthropic", 1],
      ["ChatOpenAI", 1],
      ["ChatAnthropic", 1],
    ]);
    expect(children[4]?.error).toMatch(/^RateLimitError/);
    expect(children[3]?.cost).toEqual({ input: 0.00055, output: 0.00352, total: 0.00407, source: "run" });
  });

  it("filters by --trace, --model and --since (time or duration)", async () => {
    const byTrace = JSON.parse(
      (await cli("report", traces, "--json", "--trace", "5C1D7E90-3A4B-4F6C-8D2E-9A0B1C2D3E01")).stdout,
    );
    expect(byTrace.runs).toBe(3);
    const byModel = JSON.parse((await cli("report", traces, "--json", "--model", "gpt-4o-mini")).stdout);
    expect(byModel.models.map((model: { model: string }) => model.model)).toEqual(["gpt-4o-mini-2024-07-18"]);
    const sinceTime = JSON.parse((await cli("report", traces, "--json", "--since", "2026-11-20T11:00:00Z")).stdout);
    expect(sinceTime.runs).toBe(3);
    // now is 12:00: "1h" starts at 11:00, "3h" takes everything.
    expect(JSON.parse((await cli("report", traces, "--json", "--since", "1h")).stdout).runs).toBe(3);
    expect(JSON.parse((await cli("report", traces, "--json", "--since", "3h")).stdout).runs).toBe(9);
    expect(JSON.parse((await cli("report", traces, "--json", "--since", "1h30m")).stdout).traces).toHaveLength(1);
  });

  it("names malformed lines on stderr, with their line numbers, and reports the rest", async () => {
    const { code, stdout, stderr } = await cli("report", withProblems);
    expect(code).toBe(0);
    expect(stderr).toContain(`${withProblems}:4: invalid JSON`);
    expect(stderr).toContain(`${withProblems}:8: not a run: trace_id`);
    expect(stdout).toMatch(/^total +5 +1 +5,120/m);
    expect(stdout).toContain("2 problem(s)");
  });

  it("rejects bad arguments with exit code 2 and a missing file with 1", async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli("report")).code).toBe(2);
    expect((await cli("report", traces, "--since", "yesterday")).stderr).toMatch(/--since: "yesterday"/);
    expect((await cli("report", traces, "--max-traces", "0")).code).toBe(2);
    expect((await cli("report", traces, "--bogus")).code).toBe(2);
    expect((await cli("html", traces)).code).toBe(2);
    const missing = await cli("report", path.join(fixtures, "missing.jsonl"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*missing\.jsonl/);
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/report <traces.jsonl \| ->/);
  });

  it("has --version, help, per-command help and did-you-mean hints", async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(await cli("--version")).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(await cli("help")).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: runledger <command>/) });
    const reportHelp = await cli("report", "--help");
    expect(reportHelp).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: runledger report /) });
    expect((await cli("help", "replay")).stdout).toMatch(/^Usage: runledger replay /);
    expect(await cli("report", traces, "--jsno")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown option --jsno (did you mean --json?)"),
    });
    expect(await cli("reprot", traces)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "reprot" (did you mean "report"?)'),
    });
  });

  it("reads standard input for -, names a directory, and exits 1 when nothing valid was read", async () => {
    const fromStdin = await cli("report", "-", "--json");
    expect(fromStdin.code).toBe(0);
    expect((JSON.parse(fromStdin.stdout) as { runs: number }).runs).toBe(9);
    const directory = await cli("report", fixtures);
    expect(directory).toMatchObject({ code: 1, stderr: expect.stringContaining("it is a directory") });
    const garbage = path.join(mkdtempSync(path.join(os.tmpdir(), "runledger-cli-")), "garbage.jsonl");
    writeFileSync(garbage, 'not json\n{"also": "not a run"}\n\u0000\u0001\n');
    expect(await cli("report", garbage)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no valid run in"),
    });
  });

  it("prints run names, models and errors terminal-safe: no escape sequence reaches the terminal", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "runledger-cli-"));
    const hostile = path.join(dir, "hostile.jsonl");
    const name = "clear\u001b[2J\u001b]0;title\u0007\u001b]52;c;aGk=\u0007\u009b31m\u202eevil";
    writeFileSync(
      hostile,
      readFileSync(traces, "utf8").replaceAll('"name":"support_agent"', `"name":${JSON.stringify(name)}`),
    );
    const { code, stdout } = await cli("report", hostile);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(stdout).toContain("clear\\u001b[2J\\u001b]0;title\\u0007");
    // --json keeps the exact name (JSON escapes it).
    const json = await cli("report", hostile, "--json");
    expect(json.stdout).toContain(JSON.stringify(name).slice(1, -1));
  });
});

describe("the runledger bin", () => {
  const run = promisify(execFile);
  const tsx = path.join(repoRoot, "node_modules/.bin/tsx");
  const main = path.join(repoRoot, "src/cli/main.ts");

  it("runs as a process: report to stdout, exit code 0", async () => {
    const { stdout, stderr } = await run(tsx, [main, "report", traces], { cwd: repoRoot });
    expect(stderr).toBe("");
    expect(stdout).toContain("└─ support_agent (chain)");
    expect(stdout).toMatch(/^total +5 +1 +5,120/m);
  });

  it("exits 2 on bad arguments", async () => {
    await expect(run(tsx, [main, "report"], { cwd: repoRoot })).rejects.toMatchObject({ code: 2 });
  });
});
