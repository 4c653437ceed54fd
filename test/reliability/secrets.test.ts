import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OtlpCollector } from "../support/otlp-collector.js";
import { CallbackManager, withCallbacks, type CallbackHandler } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
import {
  InMemoryRunExporter,
  JsonlRunExporter,
  LangSmithRunExporter,
  REDACTED,
  replaySpool,
  type RunExporter,
} from "../../src/export/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { RunTracer, traceable, type RunTracerOptions } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { useContextManager } from "../support/otel-setup.js";
import { FaultServer } from "./fault-server.js";

useContextManager();
const warnings = captureWarnings();

const alnum = (length: number): string => {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(length)]
    .map((byte) => letters[byte % letters.length])
    .join("")
    .replace(/^./, "7");
};
const upper = (length: number): string =>
  [...randomBytes(length)].map((byte) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[byte % 32]).join("");

/** Planted credentials: the secret part of each (what must never appear in exported bytes). */
const SECRETS = {
  openai: `sk-proj-${alnum(48)}`,
  anthropic: `sk-ant-api03-${alnum(48)}`,
  bearer: alnum(32),
  aws: `AKIA${upper(16)}`,
  awsSecret: alnum(40),
  password: `pw-${alnum(20)}`,
  xApiKey: alnum(32),
  langsmith: `lsv2_pt_${alnum(32)}_${alnum(10)}`,
  accessToken: alnum(30),
  clientSecret: alnum(24),
  basic: Buffer.from(`admin:${alnum(12)}`).toString("base64"),
};
const PROMPT = "Where is my order #1042?";
const ANSWER_TEXT = "Your order ships tomorrow";

/** Every exported byte, per channel, searched for every planted secret. */
const exported = new Map<string, Buffer[]>();
function record(channel: string, bytes: Buffer | string): void {
  const list = exported.get(channel) ?? [];
  list.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
  exported.set(channel, list);
}

/** The planted secrets found in `bytes` (their full text or any 16-character piece of them). */
function secretsIn(bytes: Buffer): string[] {
  const text = bytes.toString("utf8");
  return Object.entries(SECRETS)
    .filter(([, secret]) => {
      for (let start = 0; start + 16 <= secret.length; start += 4)
        if (text.includes(secret.slice(start, start + 16))) return true;
      return text.includes(secret);
    })
    .map(([name]) => name);
}

// The invocation parameters, serialized model and metadata a careless app hands its model, plus
// the inputs and outputs that carry credentials as text. Kept to check they are never modified.
const invocationParams = () => ({
  model: "gpt-4o-mini",
  api_key: SECRETS.openai,
  apiKey: SECRETS.openai,
  max_tokens: 256,
  temperature: 0.2,
  headers: { Authorization: `Bearer ${SECRETS.bearer}`, "x-api-key": SECRETS.xApiKey },
});
const serialized = () => ({
  lc: 1,
  type: "constructor",
  id: ["langchain", "chat_models", "openai", "ChatOpenAI"],
  kwargs: {
    openai_api_key: SECRETS.openai,
    anthropicApiKey: SECRETS.anthropic,
    client_secret: SECRETS.clientSecret,
    model: "gpt-4o-mini",
  },
});
const metadata = () => ({
  user: "u1",
  authorization: `Basic ${SECRETS.basic}`,
  "x-api-key": SECRETS.xApiKey,
  aws_secret_access_key: SECRETS.awsSecret,
  tokens: 5,
  max_tokens: 100,
  token_usage: { prompt_tokens: 3, completion_tokens: 2 },
  note: `deploy key ${SECRETS.langsmith}`,
});

/** An agent that leaks every planted secret somewhere: params, serialized, metadata, inputs, outputs, tokens, errors, tags. */
async function leakyAgent(
  options: { tracer?: CallbackHandler } = {},
): Promise<{ before: string; after: () => string }> {
  const args = {
    question: `${PROMPT} my key is ${SECRETS.openai}, aws ${SECRETS.aws}`,
    auth: { password: SECRETS.password },
  };
  const params = invocationParams();
  const model = serialized();
  const meta = metadata();
  const before = JSON.stringify({ args, params, model, meta });
  const agent = traceable(
    async (input: typeof args) => {
      const llm = CallbackManager.configure().handleChatModelStart(
        model,
        [[{ role: "user", content: input.question }]],
        undefined,
        undefined,
        {
          invocation_params: params,
        },
        undefined,
        { ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
      );
      void llm.handleLLMNewToken(`token with ${SECRETS.langsmith}`);
      void llm.handleLLMEnd({
        generations: [
          [
            {
              text: ANSWER_TEXT,
              message: {
                content: `${ANSWER_TEXT}; ${SECRETS.langsmith}`,
                usage_metadata: { input_tokens: 9, output_tokens: 4, total_tokens: 13 },
                response_metadata: { model_name: "gpt-4o-mini-2024-07-18" },
              },
            },
          ],
        ],
      });
      const tool = CallbackManager.configure().handleToolStart(
        { name: "lookup_order" },
        JSON.stringify({ order: 1042, password: SECRETS.password, access_token: SECRETS.accessToken }),
      );
      void tool.handleToolEnd({ content: `found with ${SECRETS.aws}`, secret: SECRETS.clientSecret });
      const failing = CallbackManager.configure().handleChatModelStart(
        { name: "ChatAnthropic" },
        [[]],
        undefined,
        undefined,
        { invocation_params: { model: "claude-haiku-4-5" } },
      );
      void failing.handleLLMError(new Error(`401 invalid x-api-key: ${SECRETS.anthropic}`));
      return { answer: ANSWER_TEXT };
    },
    { name: "agent", tracer: options.tracer, metadata: meta, tags: ["prod", `key=${SECRETS.openai}`] },
  );
  await agent(args);
  return { before, after: () => JSON.stringify({ args, params, model, meta }) };
}

async function traced(exporter: RunExporter, options: Omit<RunTracerOptions, "exporter"> = {}): Promise<void> {
  const tracer = new RunTracer({ exporter, keepTokenEvents: true, ...options });
  const { before, after } = await leakyAgent({ tracer });
  await tracer.shutdown();
  expect(after()).toBe(before); // the user's objects were never modified
}

let otlp: OtlpCollector;
const servers: FaultServer[] = [];

beforeAll(async () => {
  otlp = await OtlpCollector.start();
});

afterAll(async () => {
  await otlp.close();
  await Promise.all(servers.map((server) => server.close()));
});

afterEach(() => {
  delete process.env.LANGSMITH_HIDE_INPUTS;
  delete process.env.LANGSMITH_HIDE_OUTPUTS;
});

async function langsmithEndpoint(): Promise<FaultServer> {
  const server = await FaultServer.start();
  servers.push(server);
  return server;
}

async function otelExport(captureContent: boolean | undefined): Promise<Buffer> {
  const start = otlp.bodies.length;
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlp.url }))],
  });
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider, captureContent });
  const { before, after } = await withCallbacks([handler], () => leakyAgent());
  await provider.forceFlush();
  await provider.shutdown();
  expect(after()).toBe(before);
  return Buffer.concat(otlp.bodies.slice(start));
}

describe("secrets are never exported", () => {
  it("JSONL file: masked by key name and by shape, counts and token fields kept", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "runledger-secrets-")), "traces.jsonl");
    await traced(new JsonlRunExporter({ path }));
    const bytes = readFileSync(path);
    record("jsonl file", bytes);
    expect(secretsIn(bytes)).toEqual([]);
    const runs = bytes
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Run);
    const chat = runs.find((run) => run.name === "ChatOpenAI") as Run;
    const params = chat.extra?.invocation_params as Record<string, unknown>;
    expect(params).toMatchObject({
      model: "gpt-4o-mini",
      api_key: REDACTED,
      apiKey: REDACTED,
      max_tokens: 256,
      temperature: 0.2,
    });
    expect(params.headers).toEqual({ Authorization: REDACTED, "x-api-key": REDACTED });
    expect(chat.serialized?.kwargs).toEqual({
      openai_api_key: REDACTED,
      anthropicApiKey: REDACTED,
      client_secret: REDACTED,
      model: "gpt-4o-mini",
    });
    const agent = runs.find((run) => run.name === "agent") as Run;
    expect(agent.extra?.metadata).toMatchObject({
      user: "u1",
      authorization: REDACTED,
      "x-api-key": REDACTED,
      tokens: 5,
      max_tokens: 100,
      token_usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    expect(agent.inputs.question).toBe(`${PROMPT} my key is ${REDACTED}, aws ${REDACTED}`);
    expect(agent.tags).toEqual(["prod", `key=${REDACTED}`]);
    expect(chat.total_tokens).toBe(13);
    expect(chat.events?.find((event) => event.name === "new_token")?.kwargs).toEqual({
      token: `token with ${REDACTED}`,
      idx: { prompt: 0, completion: 0 },
    });
    expect(runs.find((run) => run.name === "ChatAnthropic")?.error).toMatch(/^401 invalid x-api-key: \[REDACTED\]/);
  });

  it("LangSmith payloads (multipart and batch): nothing planted reaches the wire", async () => {
    for (const endpoint of ["multipart", "batch"] as const) {
      const server = await langsmithEndpoint();
      await traced(new LangSmithRunExporter({ apiUrl: server.url, apiKey: "test-key", endpoint }));
      expect(server.stored.size).toBe(4); // agent, ChatOpenAI, lookup_order, ChatAnthropic
      for (const body of server.bodies) {
        record(`langsmith ${endpoint}`, body);
        expect(secretsIn(body)).toEqual([]);
      }
    }
  });

  it("any exporter of a RunTracer (in memory), and the spool and its replay", async () => {
    const memory = new InMemoryRunExporter();
    await traced(memory);
    const json = JSON.stringify(memory.getFinishedRuns());
    record("in-memory exporter", json);
    expect(secretsIn(Buffer.from(json))).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), "runledger-secret-spool-"));
    const down = (await langsmithEndpoint()).otherwise({ kind: "status", status: 503 });
    await traced(new LangSmithRunExporter({ apiUrl: down.url, apiKey: "test-key" }), {
      spoolDir: dir,
      batch: { maxRetries: 0 },
    });
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name));
      record("spool file", bytes);
      expect(secretsIn(bytes)).toEqual([]);
    }
    const replayed = join(dir, "..", `${dir.split("/").pop()}.replayed.jsonl`);
    expect(await replaySpool(dir, new JsonlRunExporter({ path: replayed }))).toMatchObject({
      replayed: 4,
      remaining: 0,
    });
    record("replayed jsonl", readFileSync(replayed));
    expect(secretsIn(readFileSync(replayed))).toEqual([]);
  });

  it("OTLP export with default settings: no prompt text, no answer text, no secrets", async () => {
    const bytes = await otelExport(undefined);
    record("otlp (default settings)", bytes);
    const text = bytes.toString("utf8");
    expect(text).toContain("chat gpt-4o-mini"); // the spans are there
    expect(text).toContain("langsmith.metadata.user");
    expect(text).not.toContain(PROMPT);
    expect(text).not.toContain(ANSWER_TEXT);
    expect(text).not.toContain("gen_ai.input.messages");
    expect(secretsIn(bytes)).toEqual([]);
  });

  it("OTLP export with content capture on: the content is there, the secrets are not", async () => {
    const bytes = await otelExport(true);
    record("otlp (content capture on)", bytes);
    const text = bytes.toString("utf8");
    expect(text).toContain(PROMPT);
    expect(text).toContain(ANSWER_TEXT);
    expect(secretsIn(bytes)).toEqual([]);
  });

  it("searched every exported byte for every planted secret", () => {
    const channels = [...exported.entries()].map(([channel, buffers]) => ({
      channel,
      bytes: buffers.reduce((sum, b) => sum + b.length, 0),
    }));
    const found = [...exported.values()].flat().flatMap(secretsIn);
    console.log(
      `[reliability] secrets: ${Object.keys(SECRETS).length} planted, searched ${channels.reduce((sum, c) => sum + c.bytes, 0)} exported bytes ` +
        `in ${channels.length} channels (${channels.map((c) => `${c.channel}: ${c.bytes} B`).join(", ")}): ${found.length} found`,
    );
    expect(channels.length).toBe(8);
    expect(found).toEqual([]);
  });
});

describe("hideInputs / hideOutputs", () => {
  it("RunTracer options hide inputs or outputs of every run, whatever the exporter", async () => {
    const memory = new InMemoryRunExporter();
    await traced(memory, { hideInputs: true });
    for (const run of memory.getFinishedRuns()) expect(run.inputs).toEqual({});
    expect(memory.getFinishedRuns().find((run) => run.name === "agent")?.outputs).toEqual({ answer: ANSWER_TEXT });

    const outputsHidden = new InMemoryRunExporter();
    await traced(outputsHidden, { hideOutputs: true });
    const runs = outputsHidden.getFinishedRuns();
    for (const run of runs) if (run.outputs !== undefined) expect(run.outputs).toEqual({});
    expect(runs.flatMap((run) => run.events ?? []).filter((event) => event.name === "new_token")).toEqual([
      { name: "new_token", time: expect.any(String) },
    ]);
    expect(runs.find((run) => run.name === "ChatOpenAI")?.total_tokens).toBe(13); // usage stays
    expect(runs.find((run) => run.name === "agent")?.inputs.question).toMatch(/^Where is my order/);
  });

  it("a hide function rewrites the values; one that throws sends {} with a warning", async () => {
    const memory = new InMemoryRunExporter();
    await traced(memory, {
      hideInputs: (inputs) => ("question" in inputs ? { question: "[hidden question]" } : inputs),
      hideOutputs: () => {
        throw new Error("broken hider");
      },
    });
    const agent = memory.getFinishedRuns().find((run) => run.name === "agent") as Run;
    expect(agent.inputs).toEqual({ question: "[hidden question]" });
    expect(agent.outputs).toEqual({});
    expect(warnings.filter((w) => w.code === "hide_failed").map((w) => w.message)[0]).toBe(
      "hideOutputs threw; sent {} instead",
    );
  });

  it("LANGSMITH_HIDE_INPUTS / LANGSMITH_HIDE_OUTPUTS=true hide them in the exporters and the tracer", async () => {
    process.env.LANGSMITH_HIDE_INPUTS = "true";
    const server = await langsmithEndpoint();
    await traced(new LangSmithRunExporter({ apiUrl: server.url, apiKey: "test-key", endpoint: "batch" }));
    const posts = server.bodies.flatMap((body) => (JSON.parse(body.toString("utf8")) as { post: Run[] }).post);
    expect(posts).toHaveLength(4);
    for (const run of posts) expect(run.inputs).toEqual({});

    delete process.env.LANGSMITH_HIDE_INPUTS;
    process.env.LANGSMITH_HIDE_OUTPUTS = "true";
    const path = join(mkdtempSync(join(tmpdir(), "runledger-hide-")), "traces.jsonl");
    await traced(new JsonlRunExporter({ path }));
    const runs = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Run);
    expect(runs.find((run) => run.name === "agent")?.outputs).toEqual({});
    expect(runs.find((run) => run.name === "agent")?.inputs.question).toMatch(/^Where is my order/);
  });

  it("exporter options apply to runs exported directly too, and an explicit false beats the environment", async () => {
    process.env.LANGSMITH_HIDE_INPUTS = "true";
    const path = join(mkdtempSync(join(tmpdir(), "runledger-hide-")), "traces.jsonl");
    const memory = new InMemoryRunExporter();
    await traced(memory, { hideInputs: false });
    const exporter = new JsonlRunExporter({
      path,
      hideInputs: false,
      hideOutputs: (outputs) => ({ kept: Object.keys(outputs).length }),
    });
    await exporter.export(memory.getFinishedRuns());
    const runs = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Run);
    const agent = runs.find((run) => run.name === "agent") as Run;
    expect(agent.inputs.question).toMatch(/^Where is my order/);
    expect(agent.outputs).toEqual({ kept: 1 });
  });
});
