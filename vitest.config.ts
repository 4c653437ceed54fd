import { defineConfig } from "vitest/config";

// Two tiers. `slow`: what needs the build, a child process, a browser, a long memory run or thousands of
// generated inputs; `unit`:
// the rest (no build needed), the inner loop (`npm run test:unit`). `npm test` runs both.
const SLOW = [
  "test/package/**/*.test.ts", // the built package (ESM, CJS, declarations)
  "test/cost/dual-build.test.ts",
  "test/cost/single-file-bundle.test.ts",
  "test/tracing/retained-memory.test.ts", // memory, 100,000 traces
  "test/reliability/exit-and-restart.test.ts", // child processes
  "test/reliability/load.test.ts",
  "test/reliability/fuzz-*.test.ts", // property tests over thousands of generated inputs
  "test/reliability/masking-time.test.ts", // linear-time checks on megabyte inputs
  "test/examples/demo.test.ts",
  "test/cli/html.test.ts", // a headless browser
];

const shared = { testTimeout: 30_000, hookTimeout: 30_000, pool: "forks" } as const;

export default defineConfig({
  test: {
    ...shared,
    projects: [
      { test: { ...shared, name: "unit", include: ["test/**/*.test.ts"], exclude: SLOW } },
      { test: { ...shared, name: "slow", include: SLOW } },
    ],
  },
});
