import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { calcPrice } from "@pydantic/genai-prices";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A single-file bundle (esbuild, as serverless deployments make) keeps cost: the price table is code,
// nothing is read from disk at run time. The bundle lives in a folder of its own, with nothing beside it.
// zod and @opentelemetry/api load at first use, through literal `require`s the bundler sees: a bundle of
// the source and one of the built package (what an app's bundler reads) carry both.
const repoRoot = path.resolve(import.meta.dirname, "../..");
let outDir: string;
let bundle: string;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), "runledger-bundle-"));
  bundle = path.join(outDir, "runledger.mjs");
  const entries = { "runledger.mjs": "src/index.ts", "runledger-built.mjs": "dist/esm/src/index.js" };
  for (const [outfile, entry] of Object.entries(entries)) {
    await build({
      entryPoints: [path.join(repoRoot, entry)],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: path.join(outDir, outfile),
      logLevel: "silent",
    });
  }
}, 60_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe("a single-file esbuild bundle of runledger", () => {
  it("is one file", () => {
    expect(readdirSync(outDir).sort()).toEqual(["runledger-built.mjs", "runledger.mjs"]);
  });

  for (const name of ["runledger.mjs", "runledger-built.mjs"]) {
    it(`validates with zod and reaches OpenTelemetry at first use, with nothing beside it (${name})`, () => {
      const script = `
        const rl = await import(${JSON.stringify(pathToFileURL(path.join(outDir, name)).href)});
        const valid = rl.UsageMetadataSchema.safeParse({ input_tokens: 1, output_tokens: 2, total_tokens: 3 });
        const invalid = rl.UsageMetadataSchema.safeParse({ input_tokens: -1, output_tokens: 2, total_tokens: 3 });
        const handler = new rl.OpenTelemetryCallbackHandler();
        console.log(JSON.stringify({ valid: valid.success, invalid: invalid.error.issues[0].path,
          spans: handler.openSpanCount }));`;
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: outDir,
        encoding: "utf8",
      });
      expect(JSON.parse(out.trim())).toEqual({ valid: true, invalid: ["input_tokens"], spans: 0 });
    });
  }

  it("prices a traced model run at the source library's price", () => {
    const usage = {
      input_tokens: 1200,
      output_tokens: 300,
      total_tokens: 1500,
      input_token_details: { cache_read: 1000 },
    };
    const script = `
      const { RunTracer, InMemoryRunExporter } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const exporter = new InMemoryRunExporter();
      const tracer = new RunTracer({ exporter });
      const runId = crypto.randomUUID();
      tracer.handleChatModelStart({ lc: 1, type: "not_implemented", id: ["ChatOpenAI"] }, [[]], runId, undefined,
        { invocation_params: { model: "gpt-4o-mini" } }, [], { ls_provider: "openai" });
      tracer.handleLLMEnd({ generations: [[{ text: "hi", message: { content: "hi",
        usage_metadata: ${JSON.stringify(usage)},
        response_metadata: { model_name: "gpt-4o-mini-2024-07-18" } } }]] }, runId);
      await tracer.forceFlush();
      const [run] = exporter.getFinishedRuns();
      console.log(JSON.stringify(run.total_cost ?? run.outputs?.usage_metadata?.total_cost ?? null));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: outDir,
      encoding: "utf8",
    });
    const expected = calcPrice(
      { input_tokens: 1200, output_tokens: 300, cache_read_tokens: 1000 },
      "gpt-4o-mini-2024-07-18",
      { providerId: "openai" },
    )?.total_price;
    expect(expected).toBeGreaterThan(0);
    expect(JSON.parse(out.trim())).toBeCloseTo(expected ?? NaN, 15);
  });
});
