// Benchmark 3: one child run created and ended under an open parent. langsmith: RunTree.createChild()
// + end() with tracing disabled and a client that never sends. runledger: the closest equivalent is a
// child run manager (parent run manager's getChild() + handleChainStart) ended with handleChainEnd,
// recorded by a RunTracer: like createChild it assigns the id, execution order, trace id and dotted
// order and keeps the parent link; unlike RunTree it also builds the finished run record and queues it
// for export (a no-op exporter here; the background work is timed apart).
import { Client } from "langsmith";
import { RunTree } from "langsmith/run_trees";
import { compare, formatNs, median, type Contender } from "./harness.js";
import { formatRatio, PAIR_HEADER, pairRow, type Section } from "./report.js";
import { rl } from "./subject.js";

const TARGET = 20;
const MAX_CHILDREN_PER_SAMPLE = 2000;
const CHILD = { name: "retrieve" };
const INPUTS = { query: "capital of France" };
const OUTPUTS = { documents: 3 };

/** Runs benchmark 3. */
export async function runTree(): Promise<Section> {
  let exported = 0;
  const exporter = {
    async export(runs: unknown[]) {
      exported += runs.length;
      return { code: "success" as const };
    },
  };
  const tracer = new rl.RunTracer({ exporter });
  // Inheritable, as a tracer must be for children (getChild) to reach it.
  const manager = rl.CallbackManager.configure({ callbacks: [tracer] });
  const exportNs: number[] = [];
  // Never used to send: tracing is disabled on every tree (no postRun / patchRun is called either).
  const client = new Client({ apiUrl: "http://127.0.0.1:9", apiKey: "bench-no-network" });

  const ours: Contender<InstanceType<typeof rl.CallbackManagerForChainRun>> = {
    name: "runledger",
    maxOps: MAX_CHILDREN_PER_SAMPLE,
    setup: () => manager.handleChainStart({ name: "agent" }, { question: "?" }),
    run(parent, ops) {
      for (let i = 0; i < ops; i++) {
        const child = parent.getChild().handleChainStart(CHILD, INPUTS);
        void child.handleChainEnd(OUTPUTS);
      }
    },
    async teardown(parent) {
      void parent.handleChainEnd({ answer: "Paris" });
      const start = process.hrtime.bigint();
      await tracer.forceFlush();
      exportNs.push(Number(process.hrtime.bigint() - start));
    },
  };
  let peerChildren = 0;
  const peer: Contender<RunTree> = {
    name: "langsmith RunTree",
    // A project name, inherited by children, spares RunTree its per-run environment lookup.
    setup: () =>
      new RunTree({
        name: "agent",
        run_type: "chain",
        inputs: { question: "?" },
        project_name: "bench",
        client,
        tracingEnabled: false,
      }),
    async run(parent, ops) {
      for (let i = 0; i < ops; i++) {
        const child = parent.createChild({ ...CHILD, run_type: "chain", inputs: INPUTS });
        await child.end(OUTPUTS);
      }
    },
    teardown(parent) {
      peerChildren += parent.child_runs.length;
    },
  };

  const [oursStats, peerStats] = await compare(ours, peer);
  const main = pairRow("create + end one child run", oursStats, peerStats);
  const childrenPerSample = oursStats.opsPerSample;
  const exportPerRun = median(exportNs) / (childrenPerSample + 1);
  const { exported: oursChildren } = await verifyOneSample(ours, childrenPerSample, () => exported);
  if (peerChildren === 0) throw new Error("langsmith recorded no child run");
  const combined = peerStats.medianNs / (oursStats.medianNs + exportPerRun);
  return {
    title: "3. Run tree: a child run under an open parent",
    header: PAIR_HEADER,
    rows: [
      main.row,
      ["runledger background export per run (not on the caller's path)", formatNs(exportPerRun), "", "", ""],
      [
        "runledger caller path + background export",
        formatNs(oursStats.medianNs + exportPerRun),
        peerStats.name,
        formatNs(peerStats.medianNs),
        `${formatRatio(combined)}×`,
      ],
    ],
    checks: [
      {
        label: `3. child run create + end ≥ ${TARGET}× faster than langsmith RunTree`,
        met: main.ratio >= TARGET,
        measured: `${formatRatio(main.ratio)}× on the caller's path; ${formatRatio(combined)}× counting runledger's background export`,
      },
    ],
    notes: [
      "langsmith: `parent.createChild({ name, run_type, inputs })` then `await child.end(outputs)`; RunTree constructed with tracingEnabled: false and its own Client (never used: nothing is posted).",
      "runledger: `parent.getChild().handleChainStart(serialized, inputs)` then `child.handleChainEnd(outputs)` with a RunTracer listening (the lower-level equivalent of createChild; `traceable` adds AsyncLocalStorage context on top, as langsmith's traceable does on top of RunTree). The tracer exports to a no-op exporter: the finished run is queued at the child's end; its record, JSON-safe copy, secret masking and export are built in the background, timed apart.",
      `A fresh parent per sample. Checked: one runledger sample of ${childrenPerSample} children exported ${oursChildren} runs (children + parent); langsmith's parents held ${peerChildren} children in total.`,
    ],
  };
}

/** Runs one more sample of ours and checks every child (and the parent) was exported. */
async function verifyOneSample<S>(
  contender: Contender<S>,
  ops: number,
  exportedSoFar: () => number,
): Promise<{ exported: number }> {
  const before = exportedSoFar();
  const state = (await contender.setup?.(ops)) as S;
  await contender.run(state, ops);
  await contender.teardown?.(state);
  const exported = exportedSoFar() - before;
  if (exported !== ops + 1) throw new Error(`expected ${ops + 1} runs exported, got ${exported}`);
  return { exported };
}
