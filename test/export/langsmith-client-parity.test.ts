import { Client } from "langsmith";
import type { RunCreate as LangSmithRunCreate } from "langsmith/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
// The public entry: it installs the default cost estimator, as an app importing runledger gets it.
import { estimateCost, InMemoryRunExporter, LangSmithRunExporter, RunTracer, traceable } from "../../src/index.js";
import { RecordingLangSmith, type ReceivedRequest } from "../support/recording-langsmith.js";

// What a LangSmith server with gzip and a batch size limit answers to GET /info.
const INFO = {
  version: "0.10.0",
  batch_ingest_config: { use_multipart_endpoint: true, size_limit_bytes: 20_971_520, size_limit: 100 },
  instance_flags: { gzip_body_enabled: true },
};
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let ours: RecordingLangSmith;
let theirs: RecordingLangSmith;

beforeAll(async () => {
  [ours, theirs] = await Promise.all([RecordingLangSmith.start(), RecordingLangSmith.start()]);
  ours.info = INFO;
  theirs.info = INFO;
});

afterAll(async () => {
  await Promise.all([ours.close(), theirs.close()]);
});

/** One trace recorded by runledger: an agent calling a streamed chat model and a failing tool. */
async function recordTrace(): Promise<Run[]> {
  const exporter = new InMemoryRunExporter();
  const tracer = new RunTracer({ exporter, projectName: "parity" });
  const agent = traceable(
    async (question: string) => {
      const llm = CallbackManager.configure({
        metadata: { ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
      }).handleChatModelStart({ id: ["langchain", "chat_models", "openai", "ChatOpenAI"] }, [
        [{ role: "user", content: question }],
      ]);
      void llm.handleLLMNewToken("4");
      void llm.handleLLMEnd({
        generations: [
          [
            {
              text: "4",
              message: {
                content: "4",
                usage_metadata: { input_tokens: 12, output_tokens: 1, total_tokens: 13 },
                response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
              },
            },
          ],
        ],
      });
      void CallbackManager.configure()
        .handleToolStart({ name: "calculator" }, "2+2")
        .handleToolError(new Error("overflow"));
      return "4";
    },
    { name: "agent", tracer, metadata: { user: "u1" } },
  );
  await agent("What is 2 + 2?");
  await tracer.shutdown();
  const runs = exporter.getFinishedRuns();
  const root = runs.find((run) => run.parent_run_id == null) as Run;
  root.attachments = { chart: ["image/png", PNG] };
  return runs;
}

/**
 * The same run as the langsmith client is given it: the fields of its RunCreate (every field the
 * type has; a key it lacks fails the type check), attachments as bytes.
 */
function asClientCreate(run: Run): LangSmithRunCreate {
  const create: LangSmithRunCreate = {
    id: run.id,
    name: run.name,
    run_type: run.run_type,
    start_time: run.start_time,
    end_time: run.end_time ?? undefined,
    extra: run.extra ?? undefined,
    error: run.error ?? undefined,
    serialized: run.serialized ?? undefined,
    events: run.events ?? undefined,
    inputs: run.inputs,
    outputs: run.outputs ?? undefined,
    parent_run_id: run.parent_run_id ?? undefined,
    tags: run.tags ?? undefined,
    trace_id: run.trace_id,
    dotted_order: run.dotted_order,
    session_name: run.session_name ?? undefined,
  };
  if (run.attachments) create.attachments = run.attachments as LangSmithRunCreate["attachments"];
  for (const key of Object.keys(create) as (keyof LangSmithRunCreate)[]) {
    if (create[key] === undefined) delete create[key];
  }
  return create;
}

/**
 * A request as comparable data: every header but the ones that differ per connection or request
 * (host, content-length, the boundary's random tail), and every part, JSON parsed.
 */
function comparable(request: ReceivedRequest) {
  const { host: _host, "content-length": _length, "content-type": contentType, ...headers } = request.headers;
  return {
    method: request.method,
    path: request.path,
    headers: { ...headers, "content-type": contentType?.replace(/(boundary=-+LangSmithFormBoundary).*$/, "$1…") },
    parts: request.parts.map((part) => ({
      name: part.name,
      contentType: part.contentType,
      value: part.contentType === "application/json" ? JSON.parse(part.data.toString("utf8")) : [...part.data],
    })),
  };
}

/**
 * The documented differences, applied to the langsmith client's request so the rest must be equal:
 * 1. `User-Agent`: `langsmith-js/<version>` vs `runledger`.
 * 2. `extra.runtime`: the client adds its SDK and platform description to every run; runledger
 *    describes no runtime.
 * Everything else is compared as sent: headers, part names, order and media types, and every JSON
 * value (the key order inside a JSON object aside).
 */
function withoutDocumentedDifferences(request: ReturnType<typeof comparable>) {
  return {
    ...request,
    headers: { ...request.headers, "user-agent": "runledger" },
    parts: request.parts.map((part) => {
      if (!part.name.endsWith(".extra")) return part;
      const { runtime: _runtime, ...extra } = part.value as Record<string, unknown>;
      return { ...part, value: extra };
    }),
  };
}

describe("LangSmithRunExporter against the real langsmith client, same trace, same server", () => {
  it("sends what the client sends, but for the documented differences", async () => {
    const runs = await recordTrace();
    const exporter = new LangSmithRunExporter({ apiUrl: ours.url, apiKey: "parity-key", projectName: "parity" });
    expect(await exporter.export(runs)).toEqual({ code: "success" });

    const client = new Client({ apiUrl: theirs.url, apiKey: "parity-key", autoBatchTracing: true });
    for (const run of runs) await client.createRun(asClientCreate(run));
    await client.awaitPendingTraceBatches();

    // Both read GET /info once, with the API key, then post one gzip multipart request.
    for (const server of [ours, theirs]) {
      const info = server.requests.filter((request) => request.path === "/info");
      expect(info.map((request) => [request.method, request.headers["x-api-key"]])).toEqual([["GET", "parity-key"]]);
      expect(server.ingest).toHaveLength(1);
      expect(server.ingest[0]?.headers["content-encoding"]).toBe("gzip");
    }
    const mine = comparable(ours.ingest[0] as ReceivedRequest);
    const reference = withoutDocumentedDifferences(comparable(theirs.ingest[0] as ReceivedRequest));
    expect(mine).toEqual(reference);
    // The model run's cost travelled where LangSmith reads it: in usage_metadata, both places.
    const llm = runs.find((run) => run.run_type === "llm") as Run;
    const usage = { input_tokens: 12, output_tokens: 1, total_tokens: 13 };
    const cost = estimateCost("gpt-4o-mini-2024-07-18", usage);
    expect(cost?.total_cost).toBeGreaterThan(0);
    for (const field of ["outputs", "extra"]) {
      const part = mine.parts.find((p) => p.name === `post.${llm.id}.${field}`)?.value as Record<string, unknown>;
      const sent =
        field === "outputs" ? part.usage_metadata : (part.metadata as Record<string, unknown>).usage_metadata;
      expect(sent).toEqual({ ...usage, ...cost });
    }
    // The attachment travelled as its own part, bytes intact.
    const root = runs.find((run) => run.parent_run_id == null) as Run;
    expect(mine.parts.find((part) => part.name === `attachment.${root.id}.chart`)).toEqual({
      name: `attachment.${root.id}.chart`,
      contentType: "image/png",
      value: [...PNG],
    });
  });
});
