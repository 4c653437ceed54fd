// Benchmark: the cold-start cost of loading runledger's root entry, side by side with langsmith/traceable
// and @langchain/core's callback manager (all installed here). Each sample is a fresh Node.js process
// that times one dynamic import of the built package (npm run build first), alternating the subjects
// sample by sample. Reported: medians and runledger's ratio. A second table times the import plus a
// first use, so the cost deferred to first use is visible too. Part of `npm run bench`; alone:
// `npx tsx bench/cold-start.ts [samples]`.
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatRatio, type Section } from "./report.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// First uses. runledger: one chat-model run with usage reported to a UsageMetadataCallbackHandler, then
// its cost (the price table loads); and the same run inside a withUsageMetadata scope, where the
// LangChain.js bridge loads @langchain/core (installed here) so LangChain.js calls in the scope report
// to it. langsmith: one call of a traceable function (tracing off: no key, no network).
const USAGE = "{ input_tokens: 1000, output_tokens: 100, total_tokens: 1100 }";
const CHAT_RUN = `const run = m.CallbackManager.configure(handlers).handleChatModelStart({}, [[]]);
  await run.handleLLMEnd({ generations: [[{ text: "", message: { content: "",
    usage_metadata: ${USAGE}, response_metadata: { model_name: model } } }]] });`;
const PRICED = `if (!(m.estimateCost(model, usage[model]).total_cost > 0)) throw new Error("no cost");`;
const FIRST_USE: Record<string, { specifier: string; code: string }> = {
  "runledger, handler": {
    specifier: "runledger",
    code: `const model = "gpt-4o-mini-2024-07-18"; const handler = new m.UsageMetadataCallbackHandler();
      const handlers = { callbacks: [handler] }; ${CHAT_RUN} const usage = handler.usageMetadata; ${PRICED}`,
  },
  "runledger, withUsageMetadata scope": {
    specifier: "runledger",
    code: `const model = "gpt-4o-mini-2024-07-18"; const handlers = undefined;
      const { usage } = await m.withUsageMetadata(async () => { ${CHAT_RUN} }); ${PRICED}`,
  },
  "langsmith/traceable": {
    specifier: "langsmith/traceable",
    code: `if ((await m.traceable(async (x) => x + 1, { name: "step" })(1)) !== 2) throw new Error("no result");`,
  },
};
const IMPORT_SUBJECTS = ["runledger", "langsmith/traceable", "@langchain/core/callbacks/manager"];

// Times the import (not Node's own start-up) and the event loop's turn after it, so work the entry
// starts in the background (a dynamic import) is counted too; with a first use, that use as well.
const script = (firstUse: string): string =>
  "const t = performance.now(); const m = await import(process.argv[1]);" +
  `${firstUse} await new Promise((r) => setImmediate(r)); process.stdout.write(String(performance.now() - t));`;

function measure(
  samples: number,
  subjects: string[],
  use: (subject: string) => { specifier: string; code: string },
): Map<string, number[]> {
  const times = new Map<string, number[]>(subjects.map((subject) => [subject, []]));
  for (let i = 0; i < samples; i++) {
    const order = i % 2 === 0 ? subjects : [...subjects].reverse();
    for (const subject of order) {
      const { specifier, code } = use(subject);
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", script(code), specifier], {
        cwd: root,
        env: { ...process.env, LANGSMITH_TRACING: "false", LANGCHAIN_TRACING_V2: "false" },
      });
      times.get(subject)?.push(Number(out.toString()));
    }
  }
  return times;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const TARGET = 1.2;
const BASE = "langsmith/traceable";

function rows(times: Map<string, number[]>, prefix: string): string[][] {
  const base = median(times.get(BASE) ?? []);
  return [...times].map(([subject, values]) => {
    const ms = median(values);
    return [`${prefix}${subject}`, `${ms.toFixed(1)} ms`, `${formatRatio(ms / base)}×`];
  });
}

/** Runs the cold-start benchmark: import, then import + first use, each subject in fresh processes. */
export async function coldStart(samples = 21): Promise<Section> {
  const imports = measure(samples, IMPORT_SUBJECTS, (specifier) => ({ specifier, code: "" }));
  const firstUses = measure(samples, Object.keys(FIRST_USE), (label) => FIRST_USE[label]!);
  const ratio = median(imports.get("runledger") ?? []) / median(imports.get(BASE) ?? []);
  return Promise.resolve({
    title: "Cold start: loading the package in a fresh process",
    header: ["what is timed", "median", `vs ${BASE}`],
    rows: [...rows(imports, "import "), ...rows(firstUses, "import + first use: ")],
    checks: [
      {
        label: `import("runledger") ≤ ${TARGET}× import("${BASE}")`,
        met: ratio <= TARGET,
        measured: `${formatRatio(ratio)}×`,
      },
    ],
    notes: [
      `${samples} fresh Node.js processes per subject, alternating; each times one dynamic import of the built package (not Node's own start-up) and the event loop's turn after it, so background work the entry starts is counted.`,
      "First uses — runledger, handler: one chat-model run reported to a UsageMetadataCallbackHandler, then its cost (the price table loads); runledger, withUsageMetadata scope: the same inside a scope, where the LangChain.js bridge loads @langchain/core (installed here); langsmith: one call of a traceable function (tracing off).",
    ],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const section = await coldStart(Number(process.argv[2] ?? 21));
  for (const row of section.rows) console.log(row.join("   "));
}
