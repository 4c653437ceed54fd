import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import { RunCreateSchema, RunUpdateSchema, type RunCreate } from "../../schemas/index.js";
import { LangSmithRunExporter } from "../../src/export/index.js";
import { resolveLangSmithConfig } from "../../src/export/langsmith-config.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { makeRun } from "./helpers.js";

const warnings = captureWarnings();

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The runs the request carried, each validated against RunCreateSchema. */
  posts: RunCreate[];
  status: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
}

// The loopback LangSmith: records and validates every request, answers from a script (then 202).
const received: Received[] = [];
const replies: Reply[] = [];
let server: Server;
let apiUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.method === "GET" && request.url === "/info") {
      response.writeHead(404).end(); // a server without /info: the client's defaults
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = replies.shift() ?? { status: 202 };
      const body = Buffer.concat(chunks);
      const contentType = request.headers["content-type"] ?? "";
      const posts =
        request.url === "/runs/multipart" ? multipartPosts(body, contentType) : batchPosts(body, contentType);
      received.push({ path: request.url ?? "", headers: request.headers, posts, status: reply.status });
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  received.length = 0;
  replies.length = 0;
});

/** Every run of a /runs/multipart body, rebuilt from its parts and validated. */
function multipartPosts(body: Buffer, contentType: string): RunCreate[] {
  const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error(`bad content type ${contentType}`);
  const text = body.toString("utf8");
  expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  const runs = new Map<string, Record<string, unknown>>();
  for (const raw of text.split(`--${boundary}`).slice(1, -1)) {
    const match =
      /^\r\nContent-Disposition: form-data; name="([^"]+)"\r\nContent-Type: ([^\r]+)\r\n\r\n([\s\S]*)\r\n$/.exec(raw);
    if (match === null) throw new Error(`malformed part ${raw.slice(0, 200)}`);
    const [, name = "", partType, data = ""] = match;
    expect(partType).toBe(`application/json; length=${Buffer.byteLength(data)}`);
    const [method, id = "", field] = name.split(".");
    expect(method).toBe("post"); // runs arrive complete: creates only
    const run = runs.get(id) ?? {};
    if (field === undefined) Object.assign(run, JSON.parse(data));
    else run[field] = JSON.parse(data);
    runs.set(id, run);
  }
  return [...runs.entries()].map(([id, run]) => {
    expect(run.id).toBe(id);
    return validCreate(run);
  });
}

/** Every run of a /runs/batch body, validated. */
function batchPosts(body: Buffer, contentType: string): RunCreate[] {
  expect(contentType).toBe("application/json");
  const { post, patch } = JSON.parse(body.toString("utf8")) as { post: unknown[]; patch: unknown[] };
  for (const update of patch) {
    const parsed = RunUpdateSchema.parse(update);
    expect(parsed.trace_id).toBeTruthy();
    expect(parsed.dotted_order).toBeTruthy();
  }
  return post.map(validCreate);
}

function validCreate(run: unknown): RunCreate {
  const create = RunCreateSchema.parse(run);
  expect(create.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(create.dotted_order.endsWith(create.id)).toBe(true);
  return create;
}

/** Run ids the server accepted (2xx), with how often each was accepted. */
function acceptedIds(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of received.filter((r) => r.status < 300)) {
    for (const post of request.posts) counts.set(post.id, (counts.get(post.id) ?? 0) + 1);
  }
  return counts;
}

function recordingSleep(): { sleep: (millis: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (millis) => void waits.push(millis) };
}

describe("LangSmithRunExporter against a loopback LangSmith", () => {
  it("posts a traced call as /runs/multipart parts in the langsmith client's format", async () => {
    const exporter = new LangSmithRunExporter({
      apiUrl: `${apiUrl}/`,
      apiKey: "test-key",
      projectName: "proj",
      workspaceId: "ws-1",
    });
    const tracer = new RunTracer({ exporter, keepTokenEvents: true });
    const agent = traceable(
      async (question: string) => {
        const llm = CallbackManager.configure().handleChatModelStart({ id: ["ChatModel"] }, [
          [{ role: "user", content: question }],
        ]);
        void llm.handleLLMNewToken("4");
        void llm.handleLLMEnd({
          generations: [
            [
              {
                text: "4",
                message: { content: "4", usage_metadata: { input_tokens: 5, output_tokens: 1, total_tokens: 6 } },
              },
            ],
          ],
        });
        const tool = CallbackManager.configure().handleToolStart({ name: "calculator" }, "2+2");
        void tool.handleToolError(new Error("overflow"));
        return "4";
      },
      { name: "agent", tracer, metadata: { user: "u1" } },
    );
    await agent("What is 2 + 2?");
    await tracer.shutdown();
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.path).toBe("/runs/multipart");
    expect(request?.headers["x-api-key"]).toBe("test-key");
    expect(request?.headers["x-tenant-id"]).toBe("ws-1");
    const posts = request?.posts ?? [];
    expect(posts.map((post) => post.name).sort()).toEqual(["ChatModel", "agent", "calculator"]);
    const root = posts.find((post) => post.name === "agent") as RunCreate;
    for (const post of posts) {
      expect(post.session_name).toBe("proj");
      expect(post.trace_id).toBe(root.id);
      expect(post.end_time).toBeTruthy(); // complete creates: no separate patch needed
    }
    const llm = posts.find((post) => post.name === "ChatModel") as RunCreate;
    expect(llm.parent_run_id).toBe(root.id);
    expect(llm.dotted_order.startsWith(`${root.dotted_order}.`)).toBe(true);
    // Token counts where LangSmith reads them; the record's own totals are not ingest fields.
    expect(llm.outputs?.usage_metadata).toMatchObject({ input_tokens: 5, output_tokens: 1, total_tokens: 6 });
    expect(llm.extra?.metadata?.usage_metadata).toMatchObject({ total_tokens: 6 });
    expect(llm.total_tokens).toBeUndefined();
    expect(llm.events?.map((event) => event.name)).toEqual(["start", "new_token", "end"]);
    expect(llm.events?.[1]?.kwargs).toBeUndefined(); // token contents stripped, as the langsmith client does
    expect(posts.find((post) => post.name === "calculator")?.error).toMatch(/^overflow/);
    expect(root.extra?.metadata).toEqual({ user: "u1" });
  });

  it("posts { post, patch } to /runs/batch when asked to", async () => {
    const exporter = new LangSmithRunExporter({ apiUrl, apiKey: "k", projectName: "p", endpoint: "batch" });
    expect(await exporter.export([makeRun("a"), makeRun("b", { session_name: "own-project" })])).toEqual({
      code: "success",
    });
    expect(received.map((r) => r.path)).toEqual(["/runs/batch"]);
    expect(received[0]?.posts.map((post) => [post.name, post.session_name])).toEqual([
      ["a", "p"],
      ["b", "own-project"],
    ]);
  });

  it("falls back to /runs/batch for good when the server has no multipart endpoint", async () => {
    replies.push({ status: 404 });
    const exporter = new LangSmithRunExporter({ apiUrl, apiKey: "k" });
    expect(await exporter.export([makeRun("first")])).toEqual({ code: "success" });
    expect(await exporter.export([makeRun("second")])).toEqual({ code: "success" });
    expect(received.map((r) => [r.path, r.status])).toEqual([
      ["/runs/multipart", 404],
      ["/runs/batch", 202],
      ["/runs/batch", 202],
    ]);
    expect([...acceptedIds().values()]).toEqual([1, 1]);
  });

  it("retries a 429 after its Retry-After, delivering each run exactly once", async () => {
    replies.push({ status: 429, headers: { "retry-after": "2" } });
    const { sleep, waits } = recordingSleep();
    const tracer = new RunTracer({ exporter: new LangSmithRunExporter({ apiUrl, apiKey: "k" }), batch: { sleep } });
    const parent = traceable(() => traceable(() => "child", { name: "child" })(), { name: "parent", tracer });
    parent();
    await tracer.forceFlush();
    expect(waits).toEqual([2000]);
    expect(received.map((r) => r.status)).toEqual([429, 202]);
    expect([...acceptedIds().values()]).toEqual([1, 1]);
    expect(tracer.exportStats).toEqual({ exported: 2, dropped: 0 });
  });

  it("retries a 500 with backoff, delivering each run exactly once", async () => {
    replies.push({ status: 500 });
    const { sleep, waits } = recordingSleep();
    const tracer = new RunTracer({ exporter: new LangSmithRunExporter({ apiUrl, apiKey: "k" }), batch: { sleep } });
    traceable(() => "x", { name: "only", tracer })();
    await tracer.forceFlush();
    expect(waits).toHaveLength(1);
    expect(received.map((r) => r.status)).toEqual([500, 202]);
    expect([...acceptedIds().values()]).toEqual([1]);
  });

  it("drops a batch the server rejects, with a warning and without retrying", async () => {
    replies.push({ status: 400 });
    const { sleep, waits } = recordingSleep();
    const tracer = new RunTracer({ exporter: new LangSmithRunExporter({ apiUrl, apiKey: "k" }), batch: { sleep } });
    traceable(() => "x", { name: "rejected", tracer })();
    await tracer.forceFlush();
    expect(waits).toEqual([]);
    expect(tracer.exportStats).toEqual({ exported: 0, dropped: 1 });
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Dropped 1 run \(export failed: LangSmith \/runs\/multipart answered 400/),
    ]);
  });

  it("reports a connection failure as retryable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const exporter = new LangSmithRunExporter({ apiUrl: `http://127.0.0.1:${port}`, apiKey: "k" });
    expect((await exporter.export([makeRun("r")])).code).toBe("retryable");
  });

  it("skips runs without a UUID id, with a warning", async () => {
    const exporter = new LangSmithRunExporter({ apiUrl, apiKey: "k" });
    await exporter.export([makeRun("good"), { ...makeRun("bad"), id: 'x"; name="evil' }]);
    expect(received[0]?.posts.map((post) => post.name)).toEqual(["good"]);
    expect(warnings.map((w) => w.code)).toEqual(["invalid_run"]);
  });
});

describe("LangSmith configuration from the environment", () => {
  const names = [
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
    "LANGSMITH_ENDPOINT",
    "LANGCHAIN_ENDPOINT",
    "LANGSMITH_PROJECT",
    "LANGCHAIN_PROJECT",
    "LANGCHAIN_SESSION",
    "LANGSMITH_WORKSPACE_ID",
  ];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("reads LANGSMITH_* first, then LANGCHAIN_*, as the langsmith package does", () => {
    for (const name of names) delete process.env[name];
    expect(resolveLangSmithConfig()).toEqual({
      apiUrl: "https://api.smith.langchain.com",
      apiKey: undefined,
      projectName: "default",
      workspaceId: undefined,
    });
    process.env.LANGCHAIN_API_KEY = "lc-key";
    process.env.LANGCHAIN_ENDPOINT = "https://lc.example/";
    process.env.LANGCHAIN_SESSION = "session-project";
    expect(resolveLangSmithConfig()).toMatchObject({
      apiKey: "lc-key",
      apiUrl: "https://lc.example",
      projectName: "session-project",
    });
    process.env.LANGCHAIN_PROJECT = "lc-project";
    process.env.LANGSMITH_API_KEY = '"ls-key"';
    process.env.LANGSMITH_ENDPOINT = "https://ls.example";
    process.env.LANGSMITH_PROJECT = "ls-project";
    expect(resolveLangSmithConfig()).toMatchObject({
      apiKey: "ls-key",
      apiUrl: "https://ls.example",
      projectName: "ls-project",
    });
    expect(resolveLangSmithConfig({ projectName: "explicit" }).projectName).toBe("explicit");
    expect(new LangSmithRunExporter().config.apiKey).toBe("ls-key");
  });

  it("warns when there is no API key", () => {
    for (const name of names) delete process.env[name];
    void new LangSmithRunExporter();
    expect(warnings.map((w) => w.code)).toEqual(["langsmith_no_api_key"]);
  });
});
