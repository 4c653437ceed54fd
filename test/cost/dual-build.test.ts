import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { calcPrice } from "@pydantic/genai-prices";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Compiles src/cost the way scripts/build.mjs compiles the package (same tsconfig, same module
// flags) into a temp folder, then loads each build in a plain Node process: the price table is
// code, so both the ESM and the CommonJS output price a call with nothing copied beside them.
const repoRoot = path.resolve(import.meta.dirname, "../..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const builds = [
  { name: "esm", type: "module", args: [] as string[] },
  { name: "cjs", type: "commonjs", args: ["--module", "commonjs", "--moduleResolution", "node10"] },
];
const usage = { input_tokens: 1000, output_tokens: 200, total_tokens: 1200, input_token_details: { cache_read: 400 } };
let outDir: string;

// The source library's own price for the same usage.
function reference(model: string, providerId: string): number {
  const { input_tokens, output_tokens, input_token_details } = usage;
  const sourceUsage = { input_tokens, output_tokens, cache_read_tokens: input_token_details.cache_read };
  return calcPrice(sourceUsage, model, { providerId })?.total_price ?? NaN;
}

beforeAll(() => {
  outDir = mkdtempSync(path.join(os.tmpdir(), "runledger-cost-build-"));
  // The compiled code imports zod like the package does: give it the repo's node_modules.
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(outDir, "node_modules"), "dir");
  const config = path.join(outDir, "tsconfig.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(repoRoot, "tsconfig.build.json"),
      compilerOptions: {
        rootDir: repoRoot,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        typeRoots: [path.join(repoRoot, "node_modules/@types")],
      },
      include: [],
      files: [path.join(repoRoot, "src/cost/index.ts")],
    }),
  );
  for (const build of builds) {
    const out = path.join(outDir, build.name);
    execFileSync(process.execPath, [tsc, "-p", config, "--outDir", out, ...build.args], { stdio: "pipe" });
    writeFileSync(path.join(out, "package.json"), JSON.stringify({ type: build.type }));
  }
}, 120_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

function run(script: string, ...args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, [...args, "-e", script], { encoding: "utf8" }));
}

describe("the compiled cost module", () => {
  it("prices a call from the ESM build", () => {
    const entry = pathToFileURL(path.join(outDir, "esm/src/cost/index.js")).href;
    const cost = run(
      `const m = await import(${JSON.stringify(entry)});
       console.log(JSON.stringify({ cost: m.estimateCost("gpt-4o-mini-2024-07-18", ${JSON.stringify(usage)}),
                                    count: m.getBuiltInPrices().length }));`,
      "--input-type=module",
    ) as { cost: { total_cost: number }; count: number };
    expect(cost.count).toBeGreaterThan(1000);
    expect(cost.cost.total_cost).toBeCloseTo(reference("gpt-4o-mini", "openai"), 15);
  });

  it("prices a call from the CommonJS build", () => {
    const entry = path.join(outDir, "cjs/src/cost/index.js");
    const cost = run(
      `const m = require(${JSON.stringify(entry)});
       console.log(JSON.stringify({ cost: m.estimateCost("claude-haiku-4-5-20251001", ${JSON.stringify(usage)}),
                                    count: m.getBuiltInPrices().length }));`,
    ) as { cost: { total_cost: number }; count: number };
    expect(cost.count).toBeGreaterThan(1000);
    expect(cost.cost.total_cost).toBeCloseTo(reference("claude-haiku-4-5", "anthropic"), 15);
  });
});
