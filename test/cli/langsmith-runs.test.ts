import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "langsmith";
import { traceable as langsmithTraceable } from "langsmith/traceable";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../src/cli/index.js";
import { estimateCost } from "../../src/cost/index.js";
import { RecordingLangSmith } from "../support/recording-langsmith.js";

let server: RecordingLangSmith;
let dir: string;

beforeAll(async () => {
  server = await RecordingLangSmith.start();
  dir = await mkdtemp(path.join(tmpdir(), "runledger-langsmith-runs-"));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The runs the real langsmith client sent for a trace, as LangSmith stores them: each run's `post`
 * and `patch` parts merged, one JSON object per line.
 */
async function runsSentByTheClient(): Promise<string> {
  const client = new Client({ apiUrl: server.url, apiKey: "k", autoBatchTracing: true });
  const usage = {
    input_tokens: 1200,
    output_tokens: 150,
    total_tokens: 1350,
    input_token_details: { cache_read: 1024 },
  };
  const chat = langsmithTraceable(
    async (question: string) => ({
      choices: [{ message: { role: "assistant", content: `echo ${question}` } }],
      usage_metadata: usage,
    }),
    {
      name: "ChatOpenAI",
      run_type: "llm",
      client,
      tracingEnabled: true,
      project_name: "from-langsmith",
      metadata: { ls_provider: "openai", ls_model_name: "gpt-4o-mini-2024-07-18" },
    },
  );
  const agent = langsmithTraceable(async (question: string) => chat(question), {
    name: "agent",
    client,
    tracingEnabled: true,
    project_name: "from-langsmith",
  });
  await agent("hi");
  await client.awaitPendingTraceBatches();
  const runs = new Map<string, Record<string, unknown>>();
  for (const request of server.ingest) {
    for (const part of request.parts) {
      const [, id = "", field] = part.name.split(".");
      const run = runs.get(id) ?? {};
      const value: unknown = JSON.parse(part.data.toString("utf8"));
      if (field === undefined) Object.assign(run, value);
      else run[field] = value;
      runs.set(id, run);
    }
  }
  const file = path.join(dir, "langsmith-runs.jsonl");
  await writeFile(file, [...runs.values()].map((run) => JSON.stringify(run)).join("\n") + "\n");
  return file;
}

describe("runledger report on runs the langsmith client exported", () => {
  it("reads every run (epoch-millisecond times included) and totals the model's usage and cost", async () => {
    const file = await runsSentByTheClient();
    const report = await buildReport(file);
    expect(report.problems).toEqual([]);
    expect(report.runs).toBe(2);
    expect(report.traces).toHaveLength(1);
    const [model] = report.models;
    expect(model).toMatchObject({
      model: "gpt-4o-mini-2024-07-18",
      calls: 1,
      input_tokens: 1200,
      cached_tokens: 1024,
      output_tokens: 150,
      total_tokens: 1350,
    });
    const usage = {
      input_tokens: 1200,
      output_tokens: 150,
      total_tokens: 1350,
      input_token_details: { cache_read: 1024 },
    };
    expect(model?.cost).toBeCloseTo(estimateCost("gpt-4o-mini-2024-07-18", usage)?.total_cost ?? NaN, 15);
  });
});
