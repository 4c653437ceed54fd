// `npx tsx bench/cold-start.ts [samples]`: the cold-start cost of loading runledger's root entry, side
// by side with langsmith/traceable and @langchain/core's callback manager (all installed here). Each
// sample is a fresh Node.js process that times one dynamic import of the built package (npm run build
// first), alternating the subjects sample by sample. Reported: medians and runledger's ratio.
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SUBJECTS = ["runledger", "langsmith/traceable", "@langchain/core/callbacks/manager"];
const samples = Number(process.argv[2] ?? 21);
// Times the import only (not Node's own start-up), and the event loop's turn after it, so work the
// entry starts in the background (a dynamic import) is counted too.
const script =
  "const t = performance.now(); await import(process.argv[1]); await new Promise((r) => setImmediate(r));" +
  "process.stdout.write(String(performance.now() - t));";

const times = new Map<string, number[]>(SUBJECTS.map((subject) => [subject, []]));
for (let i = 0; i < samples; i++) {
  const order = i % 2 === 0 ? SUBJECTS : [...SUBJECTS].reverse();
  for (const subject of order) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, subject], { cwd: root });
    times.get(subject)?.push(Number(out.toString()));
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const base = median(times.get("langsmith/traceable") ?? []);
for (const [subject, values] of times) {
  const ms = median(values);
  console.log(`${subject.padEnd(36)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / base).toFixed(2)}× langsmith/traceable`);
}
