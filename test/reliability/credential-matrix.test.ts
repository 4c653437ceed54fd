import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OtlpCollector } from "../support/otlp-collector.js";
import { CallbackManager, withCallbacks, type CallbackHandler } from "../../callbacks/index.js";
import { runCli } from "../../src/cli/run-cli.js";
import {
  isSecretKey,
  JsonlRunExporter,
  LangSmithRunExporter,
  maskSecrets,
  maskSecretsInString,
  REDACTED,
  type RunExporter,
} from "../../src/export/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { getCurrentRun, RunTracer, toHeaders, traceable, type RunTracerOptions } from "../../src/tracing/index.js";
import { Sink } from "../support/sink.js";
import { useContextManager } from "../support/otel-setup.js";
import { CREDENTIAL_SHAPES, leakedIn, type CredentialShape } from "./credential-shapes.js";
import { FaultServer } from "./fault-server.js";

useContextManager();

// Where an app puts text a credential can hide in. Each (shape, placement) pair gets its own random
// credential, so a leak names both.
const PLACEMENTS = [
  "params",
  "metadata",
  "tags",
  "names",
  "inputs",
  "outputs",
  "tool-call JSON",
  "errors and stacks",
  "headers",
  "nested arrays",
  "Map, Set and class instances",
  "Buffers",
  "token stream",
] as const;
type Placement = (typeof PLACEMENTS)[number];

class Holder {
  constructor(readonly note: string) {}
}

interface Planted {
  shape: CredentialShape;
  texts: Record<Placement, string>;
  secrets: { placement: Placement; secret: string }[];
}

function plant(shape: CredentialShape): Planted {
  const texts = {} as Record<Placement, string>;
  const secrets: Planted["secrets"] = [];
  for (const placement of PLACEMENTS) {
    const { text, secret } = shape.make();
    texts[placement] = text;
    secrets.push({ placement, secret });
  }
  return { shape, texts, secrets };
}

const planted = CREDENTIAL_SHAPES.map(plant);
const allSecrets = planted.flatMap(({ shape, secrets }) => secrets.map((s) => ({ shape: shape.name, ...s })));

/** One agent call per shape, with the shape's credentials in every placement; the baggage it propagates is kept. */
async function leakyApp(tracer: CallbackHandler | undefined, baggage: string[]): Promise<void> {
  for (const { texts } of planted) {
    const agent = traceable(
      async (input: Record<string, unknown>) => {
        const headers = toHeaders(getCurrentRun()!);
        baggage.push(String(headers.baggage ?? ""));
        const llm = CallbackManager.configure().handleChatModelStart(
          { name: "ChatOpenAI" },
          [[{ role: "user", content: String(input.question) }]],
          undefined,
          undefined,
          {
            invocation_params: { model: "gpt-4o-mini", note: texts.params, headers: { "X-Forwarded": texts.headers } },
          },
          undefined,
          { ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
        );
        const stream = texts["token stream"];
        for (let i = 0; i < stream.length; i += 5) void llm.handleLLMNewToken(stream.slice(i, i + 5));
        void llm.handleLLMEnd({
          generations: [[{ text: texts.outputs, message: { content: texts.outputs, response_metadata: {} } }]],
        });
        const tool = CallbackManager.configure().handleToolStart(
          { name: "lookup" },
          `{"order": 12345678901234567890123, "note": ${JSON.stringify(texts["tool-call JSON"])}}`,
        );
        void tool.handleToolError(new Error(`lookup failed: ${texts["errors and stacks"]}`));
        return { answer: texts.outputs };
      },
      {
        name: `agent ${texts.names}`,
        tracer,
        metadata: { note: texts.metadata },
        tags: ["prod", texts.tags],
      },
    );
    await agent({
      question: texts.inputs,
      nested: [[{ deep: [texts["nested arrays"]] }]],
      map: new Map([["note", texts["Map, Set and class instances"]]]),
      set: new Set([texts["Map, Set and class instances"]]),
      holder: new Holder(texts["Map, Set and class instances"]),
      buffer: Buffer.from(texts.Buffers),
    });
  }
}

/** Every exported byte, by sink. */
const sinks = new Map<string, string>();
const baggageSeen: string[] = [];

async function traced(exporter: RunExporter, options: Omit<RunTracerOptions, "exporter"> = {}): Promise<void> {
  const tracer = new RunTracer({ exporter, keepTokenEvents: true, ...options });
  await leakyApp(tracer, baggageSeen);
  await tracer.shutdown();
}

let otlp: OtlpCollector;
const servers: FaultServer[] = [];
const directory = mkdtempSync(join(tmpdir(), "runledger-matrix-"));

beforeAll(async () => {
  otlp = await OtlpCollector.start();
});

afterAll(async () => {
  await otlp.close();
  await Promise.all(servers.map((server) => server.close()));
});

async function cli(...argv: string[]): Promise<string> {
  const stdout = new Sink();
  const stderr = new Sink();
  await runCli(argv, { stdout, stderr });
  return stdout.text + stderr.text;
}

describe(`credential matrix: ${CREDENTIAL_SHAPES.length} shapes × ${PLACEMENTS.length} placements × every sink`, () => {
  it("JSONL file, and the CLI's text, JSON and HTML reports of it", async () => {
    const path = join(directory, "traces.jsonl");
    await traced(new JsonlRunExporter({ path }));
    sinks.set("JSONL", readFileSync(path, "utf8"));
    sinks.set("CLI text", await cli("report", path));
    sinks.set("CLI JSON", await cli("report", path, "--json"));
    const html = join(directory, "report.html");
    await cli("html", path, "-o", html);
    sinks.set("CLI HTML", readFileSync(html, "utf8"));
    expect(sinks.get("JSONL")).toContain("12345678901234567890123"); // the tool call's JSON kept as sent
  });

  it("LangSmith multipart and batch, and the spool", async () => {
    for (const endpoint of ["multipart", "batch"] as const) {
      const server = await FaultServer.start();
      servers.push(server);
      await traced(new LangSmithRunExporter({ apiUrl: server.url, apiKey: "test-key", endpoint }));
      sinks.set(`LangSmith ${endpoint}`, Buffer.concat(server.bodies).toString("utf8"));
      expect(server.stored.size).toBe(planted.length * 3);
    }
    const down = (await FaultServer.start()).otherwise({ kind: "status", status: 503 });
    servers.push(down);
    const spoolDir = join(directory, "spool");
    await traced(new LangSmithRunExporter({ apiUrl: down.url, apiKey: "test-key" }), {
      spoolDir,
      batch: { maxRetries: 0 },
    });
    sinks.set(
      "spool",
      readdirSync(spoolDir)
        .map((name) => readFileSync(join(spoolDir, name), "utf8"))
        .join("\n"),
    );
  });

  it.each([false, true])("OpenTelemetry attributes and span names, content capture %s", async (captureContent) => {
    const start = otlp.bodies.length;
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlp.url }))],
    });
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider, captureContent });
    await withCallbacks([handler], () => leakyApp(undefined, baggageSeen));
    await provider.forceFlush();
    await provider.shutdown();
    sinks.set(
      `OTel capture ${captureContent ? "on" : "off"}`,
      Buffer.concat(otlp.bodies.slice(start)).toString("utf8"),
    );
  });

  it("0 leaks: every planted credential searched in every sink, baggage included", () => {
    sinks.set("baggage (toHeaders)", baggageSeen.map((value) => decodeURIComponent(value)).join("\n"));
    const leaks: string[] = [];
    for (const [sink, text] of sinks) {
      const found = new Set(
        leakedIn(
          text,
          allSecrets.map((s) => s.secret),
        ),
      );
      for (const { shape, placement, secret } of allSecrets)
        if (found.has(secret)) leaks.push(`${shape} in ${placement} → ${sink}`);
    }
    const tried = allSecrets.length * sinks.size;
    console.log(
      `[reliability] credential matrix: ${CREDENTIAL_SHAPES.length} shapes × ${PLACEMENTS.length} placements × ${sinks.size} sinks ` +
        `(${[...sinks.keys()].join(", ")}) = ${tried} tried, ${leaks.length} leaks`,
    );
    expect(sinks.size).toBe(10);
    expect(CREDENTIAL_SHAPES.length).toBeGreaterThanOrEqual(45);
    expect(leaks).toEqual([]);
  });
});

// Field names that hold credentials: the list, detect-secrets KeywordDetector's denylist,
// gitleaks generic-api-key's keywords, and the headers of the services runledger talks to.
const SECRET_FIELD_NAMES = [
  ...["api_key", "apiKey", "x-api-key", "X-API-KEY", "openai_api_key", "anthropicApiKey", "api-key", "x-goog-api-key"],
  ...["authorization", "Authorization", "proxy-authorization", "auth", "auth_token", "x-auth-token", "authToken"],
  ...["password", "passwd", "pwd", "pass", "PASSWORD", "db_password", "DB_PASSWORD", "passphrase", "passcode"],
  ...["secret", "client_secret", "clientSecret", "secret_key", "SECRET_KEY", "aws_secret_access_key"],
  ...["access_token", "accessToken", "refresh_token", "id_token", "session_token", "x-amz-security-token"],
  ...["csrf_token", "oauth_token", "bearer", "token", "GITHUB_TOKEN", "slack_token", "hf_token"],
  ...["private_key", "privateKey", "PRIVATE_KEY", "signing_key", "signingKey", "encryption_key", "master_key"],
  ...["access_key", "accessKey", "aws_access_key_id", "Ocp-Apim-Subscription-Key", "subscription_key"],
  ...["x-functions-key", "account_key", "AccountKey", "SharedAccessKey", "connection_string", "connectionString"],
  ...["ConnectionStrings", "conn_str", "DATABASE_URL", "database_url", "db_url", "dsn", "SENTRY_DSN", "cookie"],
  ...["Cookie", "set-cookie", "JSESSIONID", "PHPSESSID", "credentials", "credential", "creds", "jwt", "sig"],
  ...["sas_token", "webhook_url", "SLACK_WEBHOOK_URL", "license_key", "otp", "client_key", "consumer_key"],
];

describe(`credential field names (${SECRET_FIELD_NAMES.length}) are masked wherever they appear`, () => {
  it.each(SECRET_FIELD_NAMES)("%s", (name) => {
    expect(isSecretKey(name)).toBe(true);
    expect(maskSecrets({ [name]: "v4lue-of-it" })).toEqual({ [name]: REDACTED });
    expect(maskSecretsInString(`${name}=v4lue-of-it`)).toBe(`${name}=${REDACTED}`);
  });
});
