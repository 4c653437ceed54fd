import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { JsonlRunExporter } from "../../src/export/index.js";
import { withCallbacks, withUsageMetadata } from "../../src/index.js";
import { wrapOpenAI } from "../../src/providers/wrap/wrap-openai.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";
import { fixtureRaw, jsonReply, useLoopbackServer } from "../support/loopback-server.js";
import { Sink } from "../support/sink.js";

// Traces written by the real tracer from real OpenAI client calls, then read back by the CLI: the
// per-user table must agree with what withUsageMetadata's groupBy counted live (two independent paths).
const loopback = useLoopbackServer();
const dir = mkdtempSync(path.join(os.tmpdir(), "runledger-group-by-"));
const file = path.join(dir, "traces.jsonl");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeTraces() {
  const client = wrapOpenAI(new OpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1"), maxRetries: 0 }));
  const ask = async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    return client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
  };
  const tracer = new RunTracer({ exporter: new JsonlRunExporter({ path: file }) });
  const live = await withCallbacks([tracer], () =>
    withUsageMetadata(
      async () => {
        for (const user of ["alice", "alice", "alice", "bob"])
          await traceable(ask, { name: "answer", metadata: { user_id: user } })();
        await ask(); // no user: kept under (none)
      },
      { groupBy: ["user_id"] },
    ),
  );
  await tracer.shutdown();
  return live.groups ?? [];
}

async function cli(...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runCli(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("runledger report --group-by", () => {
  it("totals calls per metadata value in text, JSON and HTML, agreeing with the live groups", async () => {
    const live = await writeTraces();
    expect(live.map((group) => group.key.user_id)).toEqual(["alice", "bob", null]);

    const json = await cli("report", file, "--json", "--group-by", "metadata.user_id");
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as {
      groups: {
        dimension: string;
        groups: { value: string | null; calls: number; total_tokens: number; cost: number }[];
      }[];
    };
    expect(report.groups.map((group) => group.dimension)).toEqual(["metadata.user_id"]);
    const rows = report.groups[0]?.groups ?? [];
    expect(rows.map((row) => row.value)).toEqual(["alice", "bob", null]); // costliest first
    expect(rows.map((row) => row.calls)).toEqual([3, 1, 1]);
    for (const [index, row] of rows.entries()) {
      expect(row.total_tokens).toBe(live[index]?.usage.total_tokens);
      expect(row.cost).toBeCloseTo(live[index]?.cost?.total_cost ?? Number.NaN, 15);
    }

    const text = await cli("report", file, "--group-by", "metadata.user_id", "--group-by", "metadata.feature");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Usage by metadata.user_id");
    expect(text.stdout).toMatch(/^alice +3 /m);
    expect(text.stdout).toMatch(/^\(none\) +1 /m);
    // A key no run has: every call under (none), nothing dropped.
    expect(text.stdout.slice(text.stdout.indexOf("Usage by metadata.feature"))).toMatch(/^\(none\) +5 /m);

    const out = path.join(dir, "report.html");
    expect((await cli("html", file, "-o", out, "--group-by", "metadata.user_id")).code).toBe(0);
    const html = readFileSync(out, "utf8");
    const section = html.slice(html.indexOf('data-group-by="metadata.user_id"'));
    expect(section.match(/<g class="group-row" data-group="([^"]*)"/g)).toHaveLength(3);
    expect(section).toMatch(/<tr data-group="alice"><td>alice<\/td><td>3<\/td>/);
  });

  it("refuses a dimension that is not metadata.<key>", async () => {
    const result = await cli("report", file, "--group-by", "user_id");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"user_id" is not metadata.<key>');
  });
});
