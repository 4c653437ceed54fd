import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
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
    "wrapCohere",
    "wrapBedrockRuntime",
    "wrapGoogleGenAI",
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
    "wrapCohere",
    "wrapBedrockRuntime",
    "wrapGoogleGenAI",
    "wrapMistral",
    "StreamAbandonedError",
  ],
  "runledger/otel": ["OpenTelemetryCallbackHandler"],
  "runledger/ai-sdk": ["runledgerMiddleware", "wrapAISDKModel", "runledgerTelemetry", "StreamAbandonedError"],
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

const specifiers = Object.keys(pkg.exports)
  .filter((subpath) => subpath !== "./package.json")
  .map((subpath) => (subpath === "." ? "runledger" : `runledger/${subpath.slice(2)}`));

/** Every name each subpath's declarations export (values and types), as a consumer's type checker sees them. */
function declaredNames(): Record<string, string[]> {
  const files = specifiers.map((specifier) => {
    const subpath = specifier === "runledger" ? "." : `./${specifier.slice("runledger/".length)}`;
    return resolve(root, (pkg.exports[subpath] as { import: string }).import.replace(/\.js$/, ".d.ts"));
  });
  const program = ts.createProgram(files, { skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  return Object.fromEntries(
    specifiers.map((specifier, index) => {
      const source = program.getSourceFile(files[index]!);
      const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
      return [specifier, symbol === undefined ? [] : checker.getExportsOfModule(symbol).map((s) => s.name)];
    }),
  );
}

const loaded: Partial<Record<"esm" | "cjs", Record<string, string[]>>> = {};

/** The runtime export names of every subpath, loaded in one fresh process per module system. */
function namesVia(kind: "esm" | "cjs"): Record<string, string[]> {
  const list = JSON.stringify(specifiers);
  const script =
    kind === "esm"
      ? `Promise.all(${list}.map((s) => import(s))).then((ms) => console.log(JSON.stringify(ms.map((m) => Object.keys(m)))))`
      : `console.log(JSON.stringify(${list}.map((s) => Object.keys(require(s)))))`;
  loaded[kind] ??= Object.fromEntries(
    (
      JSON.parse(
        execFileSync(process.execPath, kind === "esm" ? ["--input-type=module", "-e", script] : ["-e", script], {
          cwd: root,
          encoding: "utf8",
        }),
      ) as string[][]
    ).map((names, index) => [specifiers[index]!, names]),
  );
  return loaded[kind];
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
        const exported = namesVia(kind)[specifier];
        for (const name of names) expect(exported).toContain(name);
      });
    }
  }

  // The exact public surface, per subpath: a change to it is a visible diff of public-surface.json.
  // After an intended change: `npx vitest run test/package -u` (see CONTRIBUTING.md).
  it("exports exactly the recorded surface from every subpath, the same in ESM, CJS and the declarations", async () => {
    const surface: Record<string, { values: string[]; types: string[] }> = {};
    const declarations = declaredNames();
    for (const specifier of specifiers) {
      const values = [...namesVia("esm")[specifier]!].sort();
      expect([...namesVia("cjs")[specifier]!].sort(), `${specifier}: CJS and ESM differ`).toEqual(values);
      const declared = [...declarations[specifier]!].sort();
      expect(declared, `${specifier}: a runtime export has no declaration`).toEqual(expect.arrayContaining(values));
      surface[specifier] = { values, types: declared.filter((name) => !values.includes(name)) };
    }
    await expect(JSON.stringify(surface, null, 2) + "\n").toMatchFileSnapshot("./public-surface.json");
  });

  it("declares every subpath in package.json for both module systems", () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === "./package.json") continue;
      const { import: esm, require: cjs } = target as { import: string; require: string };
      expect(existsSync(resolve(root, esm)), `${subpath} → ${esm}`).toBe(true);
      expect(existsSync(resolve(root, cjs)), `${subpath} → ${cjs}`).toBe(true);
    }
  });

  it("recognizes a RunledgerError thrown by the CJS build as an instance of the ESM build's classes", () => {
    const script = `
      const cjs = require("runledger/providers");
      import("runledger").then((esm) => {
        try { cjs.normalizeResponse(42); } catch (e) {
          console.log(JSON.stringify([e instanceof esm.RunledgerError, e instanceof esm.ProviderPayloadError,
            esm.RunledgerError.isInstance(e), e instanceof esm.HandlerTimeoutError, e.code, e.name]));
        }
      });`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([true, true, true, false, "invalid_payload", "ProviderPayloadError"]);
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
