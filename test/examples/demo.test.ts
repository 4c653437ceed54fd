import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { RunSchema, type Run } from "../../schemas/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const tsx = resolve(root, "node_modules/.bin/tsx");
const dir = mkdtempSync(join(tmpdir(), "runledger-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runDemo(env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(tsx, ["examples/demo.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return stdout;
}

describe("the demo (the README's main job)", () => {
  it("prints the answer, the run tree, the usage table and where the trace went; the JSONL holds the whole trace", async () => {
    const file = join(dir, "traces.jsonl");
    const out = await runDemo({ RUNLEDGER_TRACES_FILE: file });
    expect(out).toContain("A: Good news! Your order A-1042 shipped on November 20");
    expect(out).toMatch(/└─ support_agent \(chain\)/);
    expect(out).toMatch(/ChatAnthropic \(llm claude-haiku-4-5\) .*✗ ERROR: 529/);
    expect(out).toContain("Usage by model");
    expect(out).toContain(`appended to ${file}`);
    // The runaway loop: 1,361 tokens a call (the recorded response), stopped once past 5,000.
    expect(out).toMatch(
      /runaway loop under withBudget\(\{ maxTokens: 5000 \}\):\n {2}stopped after 4 calls: 5444 tokens/,
    );

    const runs = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => RunSchema.parse(JSON.parse(line)) as Run);
    expect(runs).toHaveLength(8);
    const root = runs.find((run) => run.parent_run_id == null);
    expect(root?.name).toBe("support_agent");
    expect(new Set(runs.map((run) => run.trace_id))).toEqual(new Set([root?.id]));
    for (const run of runs) {
      expect(run.dotted_order.startsWith(root?.dotted_order ?? "?")).toBe(true);
    }
    const llm = runs.filter((run) => run.run_type === "llm");
    expect(
      llm.map((run) => [run.prompt_tokens ?? null, run.completion_tokens ?? null, run.error == null]).sort(),
    ).toEqual(
      [
        [61, 3, true], // the AI SDK call (runledgerMiddleware)
        [1310, 41, true],
        [1342, 19, true],
        [1431, 32, true],
        [null, null, false],
      ].sort(),
    );
    // Usage printed by withUsageMetadata equals the runs' usage.
    expect(out).toContain('"input_tokens": 2773');
    expect(out).toContain('"input_tokens": 1310');
  });

  it("exports the same run tree as spans to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set", async () => {
    const bodies: {
      resourceSpans: { scopeSpans: { spans: { name: string; spanId: string; parentSpanId?: string }[] }[] }[];
    }[] = [];
    const collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((ready) => collector.listen(0, "127.0.0.1", ready));
    try {
      const { port } = collector.address() as AddressInfo;
      const out = await runDemo({
        RUNLEDGER_TRACES_FILE: join(dir, "otlp.jsonl"),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      });
      expect(out).toContain(`Spans exported via OTLP to http://127.0.0.1:${port}`);
      const spans = bodies.flatMap((body) =>
        body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
      );
      expect(spans).toHaveLength(8);
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      const agent = spans.find((span) => span.name.includes("support_agent"));
      const chats = spans.filter((span) => span.name.startsWith("chat "));
      expect(chats).toHaveLength(5);
      for (const chat of chats) {
        let parent = chat.parentSpanId ? byId.get(chat.parentSpanId) : undefined;
        while (parent && parent !== agent) parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
        expect(parent).toBe(agent);
      }
    } finally {
      collector.closeAllConnections();
      await new Promise<void>((done) => collector.close(() => done()));
    }
  });
});
