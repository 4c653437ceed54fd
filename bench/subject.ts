// The runledger under test: the built package (dist/esm, what users run) by default, or the TypeScript
// source through tsx with `--source` (no build needed; same code, transpiled by esbuild instead of tsc).
import type * as Runledger from "../src/index.js";

/** True when the benchmarks run against the TypeScript source rather than the build. */
export const fromSource = process.argv.includes("--source");

/** Where the measured code came from, for the results. */
export const subjectOrigin = fromSource
  ? "TypeScript source via tsx (--source)"
  : "built package, dist/esm (npm run build)";

const entry = fromSource ? "../src/index.js" : "../dist/esm/src/index.js";

/** The whole public surface of runledger (the main entry, as `import … from "runledger"` loads it). */
export const rl: typeof Runledger = (await import(entry)) as typeof Runledger;
