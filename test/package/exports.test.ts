import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The built package, as users get it: `npm test` builds before running the suites.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };

const expected: Record<string, string[]> = {
  runledger: [
    "UsageMetadataSchema",
    "addUsage",
    "subtractUsage",
    "RunSchema",
    "CallbackManager",
    "withUsageMetadata",
    "UsageMetadataCallbackHandler",
    "RunTracer",
    "traceable",
    "getCurrentRun",
    "toHeaders",
    "fromHeaders",
    "InMemoryRunExporter",
    "JsonlRunExporter",
    "BatchRunProcessor",
    "LangSmithRunExporter",
    "normalizeResponse",
    "StreamAccumulator",
    "wrapOpenAI",
    "wrapAnthropic",
    "wrapGroq",
    "wrapMistral",
    "OpenTelemetryCallbackHandler",
    "estimateCost",
  ],
  "runledger/providers": [
    "normalizeResponse",
    "StreamAccumulator",
    "concatChunks",
    "wrapOpenAI",
    "wrapAnthropic",
    "wrapGroq",
    "wrapMistral",
    "StreamAbandonedError",
  ],
  "runledger/otel": ["OpenTelemetryCallbackHandler"],
  "runledger/ai-sdk": ["runledgerMiddleware", "wrapAISDKModel", "StreamAbandonedError"],
  "runledger/langsmith": ["toHeaders", "fromHeaders", "LangSmithRunExporter"],
  "runledger/schemas": [
    "UsageMetadataSchema",
    "InputTokenDetailsSchema",
    "OutputTokenDetailsSchema",
    "addUsage",
    "subtractUsage",
    "RunSchema",
    "RunCreateSchema",
    "RunUpdateSchema",
    "RunEventSchema",
    "RunTypeSchema",
    "ResponseMetadataSchema",
  ],
  "runledger/callbacks": [
    "BaseCallbackHandler",
    "CallbackManager",
    "CallbackManagerForLLMRun",
    "withCallbacks",
    "awaitAllCallbacks",
    "UsageMetadataCallbackHandler",
    "withUsageMetadata",
  ],
};

function namesVia(kind: "esm" | "cjs", specifier: string): string[] {
  const script =
    kind === "esm"
      ? `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m))))`
      : `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`;
  const out = execFileSync(process.execPath, kind === "esm" ? ["--input-type=module", "-e", script] : ["-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}

describe("the built package", () => {
  it("has been built", () => {
    expect(existsSync(resolve(root, "dist/esm/src/index.js")), "run `npm run build` first").toBe(true);
    expect(existsSync(resolve(root, "dist/cjs/src/index.js"))).toBe(true);
    expect(existsSync(resolve(root, "dist/esm/src/index.d.ts"))).toBe(true);
  });

  for (const [specifier, names] of Object.entries(expected)) {
    for (const kind of ["esm", "cjs"] as const) {
      it(`exports the public names from ${specifier} (${kind})`, () => {
        const exported = namesVia(kind, specifier);
        for (const name of names) expect(exported).toContain(name);
      });
    }
  }

  it("declares every subpath in package.json for both module systems", () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === "./package.json") continue;
      const { import: esm, require: cjs } = target as { import: string; require: string };
      expect(existsSync(resolve(root, esm)), `${subpath} → ${esm}`).toBe(true);
      expect(existsSync(resolve(root, cjs)), `${subpath} → ${cjs}`).toBe(true);
    }
  });

  it("shares ambient handlers between the ESM and CJS builds", () => {
    const script = `
      const cjs = require("runledger/callbacks");
      import("runledger/callbacks").then(async (esm) => {
        const { usage } = await esm.withUsageMetadata(() => {
          const run = cjs.CallbackManager.configure().handleChatModelStart({}, [[]]);
          run.handleLLMEnd({ generations: [[{ text: "", message: { content: "", usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 }, response_metadata: { model_name: "m" } } }]] });
        });
        console.log(JSON.stringify(usage));
      });`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ m: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } });
  });
});
