// `npm run bench`: runs every benchmark, each in a fresh Node.js process started with --expose-gc (so
// one benchmark's heap and JIT state cannot colour another's), prints the tables and writes
// bench/RESULTS.md. Options: `--source` measures the TypeScript source instead of the build; names
// (e.g. `npm run bench -- token-dispatch memory`) run only those, without rewriting RESULTS.md.
import { execFileSync, fork } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { reportMarkdown, sectionMarkdown, type Section } from "./report.js";

const BENCHMARKS: Record<string, () => Promise<() => Promise<Section>>> = {
  "token-dispatch": async () => (await import("./token-dispatch.js")).tokenDispatch,
  "traced-run": async () => (await import("./traced-run.js")).tracedRun,
  "langsmith-traceable": async () => (await import("./langsmith-traceable.js")).langsmithTraceableBench,
  "run-tree": async () => (await import("./run-tree.js")).runTree,
  "otel-span": async () => (await import("./otel-span.js")).otelSpan,
  memory: async () => (await import("./memory.js")).memory,
  throughput: async () => (await import("./throughput.js")).throughput,
  "estimate-cost": async () => (await import("./estimate-cost.js")).estimateCostBench,
  "cold-start": async () => (await import("./cold-start.js")).coldStart,
};

const METHOD = [
  "Each benchmark runs in a fresh Node.js process (--expose-gc). A timed pair runs in one process, alternating sample by sample (A B, then B A, …) after a shared 400 ms warm-up that also calibrates each side's batch so a sample lasts about 4 ms.",
  "41 samples per side. A sample times a batch of operations and gives the time per operation; garbage collection that happens during a sample counts against the side that runs it. Between samples the event loop turns once (timers and I/O run, as between bursts of work in an application). Reported: the median, with the interquartile range in parentheses.",
  "Setup (building the inputs, opening parents) and teardown (flushing runledger's background export, clearing what the peers collected) are not timed; runledger's background export cost is reported in its own row where it applies.",
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const childIndex = args.indexOf("--child");

if (childIndex >= 0) await runChild(args[childIndex + 1] ?? "");
else await runAll();

async function runChild(name: string): Promise<void> {
  const load = BENCHMARKS[name];
  if (load === undefined) throw new Error(`unknown benchmark ${name}`);
  try {
    process.send?.({ section: await (await load())() });
  } catch (error) {
    process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

async function runAll(): Promise<void> {
  const source = args.includes("--source");
  const selected = args.filter((arg) => !arg.startsWith("--"));
  for (const name of selected)
    if (!(name in BENCHMARKS))
      throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(", ")}`);
  const names = selected.length > 0 ? selected : Object.keys(BENCHMARKS);
  if (!source) ensureBuilt();
  const { subjectOrigin } = await import("./subject.js");
  const sections: Section[] = [];
  for (const name of names) {
    console.error(`running ${name}…`);
    const section = await runInChild(name, source).catch((error: unknown) => failedSection(name, error));
    sections.push(section);
    console.log(`\n${sectionMarkdown(section)}\n`);
  }
  const markdown = reportMarkdown(sections, subjectOrigin, METHOD);
  if (selected.length === 0) {
    writeFileSync(join(root, "bench", "RESULTS.md"), markdown);
    console.log("wrote bench/RESULTS.md");
  }
  const missed = sections.flatMap((section) => section.checks).filter((check) => !check.met);
  console.log(
    missed.length === 0 ? "All targets met." : `Targets missed: ${missed.map((check) => check.label).join("; ")}`,
  );
}

/** A benchmark that crashed or failed its own checks still gets a section, marked as failed. */
function failedSection(name: string, error: unknown): Section {
  const message = error instanceof Error ? error.message : String(error);
  process.exitCode = 1;
  return {
    title: `${name}: FAILED`,
    header: ["error"],
    rows: [[message]],
    checks: [{ label: `${name} ran and passed its checks`, met: false, measured: message }],
    notes: [],
  };
}

function runInChild(name: string, source: boolean): Promise<Section> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", name, ...(source ? ["--source"] : [])], {
      execArgv: [...process.execArgv, "--expose-gc"],
      stdio: "inherit",
    });
    let reply: { section?: Section; error?: string } = {};
    child.on("message", (message) => {
      reply = message as typeof reply;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (reply.section !== undefined) resolvePromise(reply.section);
      else reject(new Error(reply.error ?? `benchmark ${name} exited with code ${code} without results`));
    });
  });
}

/** Builds dist/ when it is missing or older than any source file (the numbers are taken from the build). */
function ensureBuilt(): void {
  const built = join(root, "dist", "esm", "src", "index.js");
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newest = Math.max(...["schemas", "callbacks", "src"].map((dir) => newestMtime(join(root, dir))));
  if (builtAt >= newest) return;
  console.error("dist/ is missing or older than the source: running npm run build…");
  execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
