import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
import { isSecretKey, JsonlRunExporter, maskSecrets, maskSecretsInString } from "../../src/export/index.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";
import { BIG, CORPUS } from "../support/false-positive-corpus.js";

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
