import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Slow tier: packs a fresh copy of the repository (tracked files only, no dist/) with `npm pack`, then
// installs the tarball into new apps with npm and with pnpm (pnpm's strict layout is where a missing
// peerDependency shows) and runs an ES-module app, a CommonJS app and `tsc --noEmit` under the
// node10, node16 and bundler resolutions against the installed package.
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "test/package/fixtures/app");
const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
// pnpm is fetched from the npm registry by npm itself: as a devDependency its platform packages cannot all be
// recorded in package-lock.json here, and `npm ci` then refuses the lock.
const PNPM = ["exec", "--yes", "--package=pnpm@12.25.1", "--", "pnpm"];
const installed = (name: string): string =>
  (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

let work: string;
let tarball: string;
let packed: string[];

// Asynchronous, so the test worker keeps answering vitest while an install or a type check runs.
const run = async (command: string, args: string[], cwd: string): Promise<string> =>
  (await promisify(execFile)(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 2 ** 20 })).stdout;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "runledger-pack-"));
  const clone = join(work, "clone");
  // What a clone of this working tree holds: tracked files and new ones not ignored.
  const tracked = (await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root))
    .split("\0")
    .filter((file) => file !== "" && !/^(node_modules|dist)(\/|$)/.test(file)); // a symlinked node_modules is not ignored by "node_modules/"
  for (const file of tracked) if (existsSync(join(root, file))) cpSync(join(root, file), join(clone, file));
  symlinkSync(join(root, "node_modules"), join(clone, "node_modules"), "dir");
  const [result] = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", work], clone)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, result!.filename);
  packed = result!.files.map((file) => file.path);
}, 600_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("npm pack of a fresh clone", () => {
  it("ships the ESM and CJS builds with declarations, the LICENSE and README, and no sources or tests", () => {
    for (const file of [
      "LICENSE",
      "README.md",
      "package.json",
      "dist/esm/src/index.js",
      "dist/esm/src/index.d.ts",
      "dist/cjs/src/index.js",
      "dist/cjs/src/index.d.ts",
      "dist/cjs/src/otel/index.d.ts",
      "dist/esm/src/cli/main.js",
    ]) {
      expect(packed).toContain(file);
    }
    expect(packed.filter((file) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(file))).toEqual([]);
  });
});

describe.each(["npm", "pnpm"])("installed with %s into a new app", (manager) => {
  let app: string;

  beforeAll(async () => {
    app = join(work, `app-${manager}`);
    mkdirSync(app);
    cpSync(fixtures, app, { recursive: true });
    const dependencies = {
      runledger: `file:${tarball}`,
      "@langchain/core": installed("@langchain/core"),
      "@types/node": installed("@types/node"),
    };
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, dependencies }));
    const output =
      manager === "npm"
        ? await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app)
        : await run("npm", [...PNPM, "install", "--prefer-offline", "--config.confirm-modules-purge=false"], app);
    console.log(`${manager} install:\n${output.trim()}`);
  }, 600_000);

  const expected = {
    usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    runs: ["app-step"],
    kinds: ["function", "function", "function"],
  };

  it.each(["app.mjs", "app.cjs"])(
    "runs %s: every subpath loads, a trace is recorded, the LangChain.js bridge counts usage",
    async (file) => {
      const output = await run(process.execPath, [file], app);
      console.log(`${manager} ${file}: ${output.trim()}`);
      expect(JSON.parse(output)).toEqual(expected);
    },
    120_000,
  );

  it.each(["node10", "node16", "bundler"])(
    "type-checks a TypeScript app with moduleResolution %s",
    async (resolution) => {
      const output = await run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], app);
      console.log(`${manager} tsc --noEmit (${resolution}): ok`);
      expect(output).toBe("");
    },
    300_000,
  );

  it("resolves @langchain/core from runledger's own location (an optional peerDependency)", () => {
    // Through the real path: pnpm links the package from its store, where only declared peers are visible.
    const fromRunledger = createRequire(realpathSync(join(app, "node_modules/runledger/package.json")));
    expect(fromRunledger.resolve("@langchain/core/context")).toContain("@langchain");
  });
});
