// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from one source tree with plain tsc, so the
// published code is exactly what the type checker saw. Each output folder gets a package.json that
// pins its module kind, and JSON data files are copied beside the compiled code.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

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
