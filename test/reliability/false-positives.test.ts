import { randomUUID, createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
import { isSecretKey, JsonlRunExporter, maskSecrets, maskSecretsInString } from "../../src/export/index.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";

// Text that looks like a credential to a careless pattern and is not one: it must reach every sink
// exactly as the app wrote it.
const BIG = "12345678901234567890123";
const CORPUS: readonly string[] = [
  "Bearer instruments are bonds payable to whoever holds them.",
  "The secretary filed the minutes; the secretariat approved them.",
  "Pass the page_token from the last response to get the next page.",
  "Generation stops at the eos_token; pad_token fills the batch.",
  'api_key = os.environ["OPENAI_API_KEY"]',
  "const token = process.env.GITHUB_TOKEN;",
  "password = getpass.getpass()",
  "The secret: practice every day. token: the unit a model reads.",
  "Set max_tokens=256 and temperature=0.2; total_tokens: 1042.",
  "author: Jane Doe, authored 12 papers",
  "sk-learn and scikit-learn tutorials; task-sk-12 is done",
  "Basic instructions: read the manual first.",
  "ASIAN markets and AKIAN sculptures",
  "key-value stores such as Redis keep a monkey-patched key-map",
  `order ${randomUUID()} and trace ${randomUUID()}`,
  `commit ${createHash("sha1").update("a").digest("hex")} sha256 ${createHash("sha256").update("b").digest("hex")}`,
  `data:image/png;base64,${randomBytes(3000).toString("base64")}`,
  "https://example.com:8443/path?page=2&sort=desc#top",
  "mailto:ops@example.com and git@github.com:org/repo.git",
  `{"id": ${BIG}, "price": 1e400, "n": -0.0000000000000000001}`,
  "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",
  "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
  "if (password == null || token != undefined) return;",
  "Use the Authorization header; see https://docs.example.com/auth",
  "session_id: 42, thread_id: t-9, conversation_id: c-1",
];

// Field names that are not credentials (counts, text tokens, ids, LangSmith's thread keys).
const NOT_SECRET_NAMES = [
  "page_token",
  "next_page_token",
  "eos_token",
  "pad_token",
  "bos_token",
  "max_tokens",
  "total_tokens",
  "token_usage",
  "tokenizer",
  "secretary",
  "author",
  "session_id",
  "thread_id",
  "conversation_id",
  "key",
  "primary_key",
  "signature_version",
  "passenger",
  "bypass",
];

describe("false-positive corpus: look-alikes stay exactly as written", () => {
  it.each(CORPUS.map((text) => [text.slice(0, 50), text]))("text: %s", (_label, text) => {
    expect(maskSecretsInString(text)).toBe(text);
  });

  it.each(NOT_SECRET_NAMES)("field %s keeps its value", (name) => {
    expect(isSecretKey(name)).toBe(false);
    expect(maskSecrets({ [name]: "abc123def456" })).toEqual({ [name]: "abc123def456" });
  });

  it("through a traced app to JSONL: every corpus text intact, large integers in tool-call JSON not re-serialized", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "runledger-fp-")), "traces.jsonl");
    const tracer = new RunTracer({ exporter: new JsonlRunExporter({ path }) });
    const metadata = Object.fromEntries(NOT_SECRET_NAMES.map((name) => [name, "abc123def456"]));
    const agent = traceable(
      (texts: { corpus: readonly string[] }) => {
        const toolInput = `{"order_id": ${BIG}, "note": ${JSON.stringify(CORPUS[0])}}`;
        const tool = CallbackManager.configure().handleToolStart({ name: "lookup" }, toolInput);
        void tool.handleToolEnd(`{"status": "ok", "id": ${BIG}}`);
        return { echoed: texts.corpus };
      },
      { name: "agent", tracer, metadata },
    );
    agent({ corpus: CORPUS });
    await tracer.shutdown();
    const runs = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Run);
    const root = runs.find((run) => run.name === "agent") as Run;
    expect(root.inputs.corpus).toEqual(CORPUS);
    expect(root.outputs?.echoed).toEqual(CORPUS);
    expect(root.extra?.metadata).toMatchObject(metadata);
    const tool = runs.find((run) => run.name === "lookup") as Run;
    expect(tool.inputs.input).toBe(`{"order_id": ${BIG}, "note": ${JSON.stringify(CORPUS[0])}}`);
    expect(JSON.stringify(tool.outputs)).toContain(BIG);
    const falsePositives = CORPUS.filter((text) => !(root.inputs.corpus as string[]).includes(text));
    console.log(
      `[reliability] false-positive corpus: ${CORPUS.length} texts, ${NOT_SECRET_NAMES.length} field names, ${falsePositives.length} changed`,
    );
  });
});
