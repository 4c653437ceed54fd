// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from one source tree with plain tsc, so the
// published code is exactly what the type checker saw. Each output folder gets a package.json that
// pins its module kind, and JSON data files are copied beside the compiled code. The ESM output is
// then bundled (esbuild, code splitting): one file per entry point plus shared chunks, not ~160
// modules, because Node's ES module loader costs about 0.3 ms a file and `import("runledger")` is a
// serverless cold start (bench/cold-start.ts, PERF.md). Splitting keeps each module in exactly one
// chunk, so every entry shares one copy of runledger's state, as before.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { createRequire } from "node:module";
import { build } from "esbuild";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
rmSync("dist", { recursive: true, force: true });

const builds = [
  { out: "dist/esm", type: "module", args: [] },
  { out: "dist/cjs", type: "commonjs", args: ["--module", "commonjs", "--moduleResolution", "node10"] },
];
for (const build of builds) {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", build.out, ...build.args], {
    stdio: "inherit",
  });
  writeFileSync(join(build.out, "package.json"), JSON.stringify({ type: build.type }) + "\n");
  for (const root of ["schemas", "callbacks", "src"]) copyJson(root, join(build.out, root));
}
function copyJson(from, to) {
  let entries;
  try {
    entries = readdirSync(from);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(from, name);
    if (statSync(path).isDirectory()) copyJson(path, join(to, name));
    else if (name.endsWith(".json")) {
      mkdirSync(dirname(join(to, name)), { recursive: true });
      cpSync(path, join(to, name));
    }
  }
}

// Replaces tsc's ESM modules with a split bundle of them: the entry points (every `import` target in
// package.json's exports, and the bin) keep their paths; what they share goes to chunks/. Packages
// stay imports. The declarations tsc wrote stay as they are.
async function bundleEsm(out) {
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  const targets = Object.values(pkg.exports).flatMap((target) => (target.import ? [target.import.default] : []));
  const entryPoints = [...targets, ...Object.values(pkg.bin)].map((path) => relative(".", path));
  const staging = `${out}-bundle`;
  await build({
    entryPoints,
    outbase: out,
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: true,
    logLevel: "warning",
    plugins: [keepCommonJs],
  });
  removeModules(out);
  cpSync(staging, out, { recursive: true });
  rmSync(staging, { recursive: true });
  linkCommonJs(out, out);
}

// The .cts files (literal `require`s of what loads at first use, so an app's bundler sees them) stay
// CommonJS files beside the bundle: esbuild would turn their `require` into a shim that an ES module
// cannot run. Each import of one is written as a placeholder, then made relative to the importing file.
const CJS_PLACEHOLDER = "runledger-cjs:";
const keepCommonJs = {
  name: "keep-commonjs",
  setup(build) {
    build.onResolve({ filter: /\.cjs$/ }, (args) => ({
      path: CJS_PLACEHOLDER + relative(build.initialOptions.outbase, join(args.resolveDir, args.path)),
      external: true,
    }));
  },
};

// Points every placeholder import at the kept .cjs file, relative to the file that imports it.
function linkCommonJs(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) linkCommonJs(path, out);
    else if (name.endsWith(".js")) {
      const code = readFileSync(path, "utf8");
      const linked = code.replace(new RegExp(`"${CJS_PLACEHOLDER}([^"]+)"`, "g"), (_, target) => {
        const link = relative(dirname(path), join(out, target)).split(sep).join("/");
        return JSON.stringify(link.startsWith(".") ? link : `./${link}`);
      });
      if (linked !== code) writeFileSync(path, linked);
    }
  }
}

// tsc's compiled modules and their source maps, now in the bundle; the .cjs files, declarations and
// package.json stay.
function removeModules(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeModules(path);
    else if (/\.js(\.map)?$/.test(name)) rmSync(path);
  }
}

await bundleEsm("dist/esm");
