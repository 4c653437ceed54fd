// Benchmark 6: throughput at scale. 10,000 concurrent tasks, each in its own withUsageMetadata scope
// (all inside one outer scope), each a traced chain run with one streamed chat-model child run, with
// a RunTracer exporting to a JsonlRunExporter (a temporary file). Measures runs per second end to end
// (until every run is in the file) and checks every total exactly.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Run, UsageMetadata } from "../schemas/index.js";
import {
  CHUNKS,
  EXTRA_PARAMS,
  messagesOf,
  RESPONSE_MODEL,
  resultOf,
  SERIALIZED,
  TOKENS_PER_RUN,
  usageOf,
} from "./payloads.js";
import { formatBytes, type Section } from "./report.js";
import { rl } from "./subject.js";

const TASKS = 10_000;
const RUNS_PER_TASK = 2;

/** A chat-model run started under the ambient handlers, as LangChain.js starts one. */
function startChatRun(i: number): ReturnType<typeof rl.CallbackManager.prototype.handleChatModelStart> {
  return rl.CallbackManager.configure().handleChatModelStart(
    SERIALIZED,
    messagesOf(i),
    undefined,
    undefined,
    EXTRA_PARAMS,
  );
}

/** One task: a chain run with a chat-model child that streams its tokens, yielding between them. */
async function task(i: number): Promise<string> {
  const chain = rl.CallbackManager.configure().handleChainStart({ name: "answer" }, { question: i });
  return chain.runInContext(async () => {
    const llm = startChatRun(i);
    for (const chunk of CHUNKS) {
      await nextTurn(); // tokens arrive over time: the 10,000 tasks interleave
      void llm.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
    }
    void llm.handleLLMEnd(resultOf(i));
    void chain.handleChainEnd({ answer: "Paris" });
    return chain.runId;
  });
}

/** The same task's waiting without any tracing: what Node.js alone costs for 10,000 interleaved streams. */
async function bareTask(): Promise<void> {
  for (let i = 0; i < CHUNKS.length; i++) await nextTurn();
}

const TIGHT_RUNS = 200_000;

interface TightResult {
  seconds: number;
  lines: number;
  exported: number;
  dropped: number;
  exactScopes: number;
  fileTotal: number;
  expectedTotal: number;
}

/**
 * A tight producer: `runs` chat-model runs one after the other, each in its own withUsageMetadata
 * scope (all inside one outer scope), start then end with usage (and `tokens` streamed tokens
 * between), as fast as the loop goes, into a JsonlRunExporter with `whenFull: "block"`: the event loop
 * never turns, so the producer writes each full batch itself and nothing is dropped. Timed until the
 * last line is on disk (tracer.shutdown()); every total checked exactly.
 */
async function tightProducer(path: string, runs: number, tokens: number): Promise<TightResult> {
  const tracer = new rl.RunTracer({ exporter: new rl.JsonlRunExporter({ path }), batch: { whenFull: "block" } });
  const chunks = CHUNKS.slice(0, tokens);
  let exactScopes = 0;
  let expectedTotal = 0;
  const start = process.hrtime.bigint();
  const { usage: outer } = await rl.withCallbacks([tracer], () =>
    rl.withUsageMetadata(async () => {
      for (let i = 0; i < runs; i++) {
        const { usage } = await rl.withUsageMetadata(() => {
          const llm = startChatRun(i);
          for (const chunk of chunks) {
            void llm.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
          }
          void llm.handleLLMEnd(resultOf(i));
        });
        const expected = usageOf(i);
        expectedTotal += expected.total_tokens;
        if (usage[RESPONSE_MODEL]?.total_tokens === expected.total_tokens) exactScopes++;
      }
    }),
  );
  await tracer.shutdown();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let lines = 0;
  let fileTotal = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.length === 0) continue;
    lines++;
    fileTotal += (JSON.parse(line) as Run).total_tokens ?? 0;
  }
  const { exported, dropped } = tracer.exportStats;
  const outerTotal = outer[RESPONSE_MODEL]?.total_tokens;
  if (lines !== runs || exported !== runs || dropped !== 0 || exactScopes !== runs)
    throw new Error(
      `tight producer: ${lines} lines, ${exported} exported, ${dropped} dropped, ${exactScopes} exact scopes of ${runs}`,
    );
  if (fileTotal !== expectedTotal || outerTotal !== expectedTotal)
    throw new Error(
      `tight producer: total_tokens ${fileTotal} in the file, ${outerTotal} in the outer scope, expected ${expectedTotal}`,
    );
  return { seconds, lines, exported, dropped, exactScopes, fileTotal, expectedTotal };
}

/**
 * The floor of any JSONL export: the tight producer's records (parsed from its file, untimed) written
 * again with one native JSON.stringify each and one write per 100 lines, with nothing else.
 */
function jsonFloor(from: string, to: string): { seconds: number; lines: number } {
  const records: unknown[] = readFileSync(from, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown);
  const fd = openSync(to, "w");
  const start = process.hrtime.bigint();
  try {
    for (let i = 0; i < records.length; i += 100) {
      let text = "";
      for (const record of records.slice(i, i + 100)) text += `${JSON.stringify(record)}\n`;
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, lines: records.length };
}

function tightRows(label: string, result: TightResult): string[][] {
  const n = (value: number): string => value.toLocaleString("en-US");
  return [
    [
      `tight producer, ${label}: runs per second (end to end, until the last line is on disk)`,
      `${n(Math.round(result.lines / result.seconds))} (${n(result.lines)} runs in ${result.seconds.toFixed(2)} s)`,
    ],
    [
      `tight producer, ${label}: JSONL lines, exported / dropped, exact scopes, total_tokens (file = outer scope)`,
      `${n(result.lines)}, ${n(result.exported)} / ${result.dropped}, ${n(result.exactScopes)}, ${n(result.fileTotal)} (expected ${n(result.expectedTotal)})`,
    ],
  ];
}

/** Runs benchmark 6. */
export async function throughput(): Promise<Section> {
  const bareStart = process.hrtime.bigint();
  await Promise.all(Array.from({ length: TASKS }, () => bareTask()));
  const bareSeconds = Number(process.hrtime.bigint() - bareStart) / 1e9;
  const dir = mkdtempSync(join(tmpdir(), "runledger-bench-"));
  const path = join(dir, "traces.jsonl");
  try {
    // All 20,000 runs end within a few event-loop turns: the queue must hold them (the default bound,
    // 10,000, would drop the excess by design, with a warning).
    const tracer = new rl.RunTracer({
      exporter: new rl.JsonlRunExporter({ path }),
      batch: { maxQueueSize: TASKS * RUNS_PER_TASK },
    });
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    const start = process.hrtime.bigint();
    const { result: scopes, usage: outer } = await rl.withCallbacks([tracer], () =>
      rl.withUsageMetadata(() =>
        Promise.all(Array.from({ length: TASKS }, (_, i) => rl.withUsageMetadata(() => task(i)))),
      ),
    );
    const callersDone = process.hrtime.bigint();
    await tracer.shutdown();
    const end = process.hrtime.bigint();
    clearInterval(sampler);

    const seconds = Number(end - start) / 1e9;
    const callerSeconds = Number(callersDone - start) / 1e9;
    const totals = verify(scopes, outer, readFileSync(path, "utf8"), tracer.exportStats);
    const runs = TASKS * RUNS_PER_TASK;
    const startEnd = await tightProducer(join(dir, "tight.jsonl"), TIGHT_RUNS, 0);
    const streamed = await tightProducer(join(dir, "tight-streamed.jsonl"), TIGHT_RUNS, TOKENS_PER_RUN);
    const floor = jsonFloor(join(dir, "tight-streamed.jsonl"), join(dir, "floor.jsonl"));
    const floorRate = Math.round(floor.lines / floor.seconds).toLocaleString("en-US");
    return {
      title: "6. Throughput at scale",
      header: ["measure", "value"],
      rows: [
        [
          "concurrent tasks (each: its own withUsageMetadata scope, a chain run + a streamed chat-model child)",
          TASKS.toLocaleString("en-US"),
        ],
        ["runs recorded", runs.toLocaleString("en-US")],
        ["wall time until every run was written to the JSONL file", `${seconds.toFixed(2)} s`],
        ["runs per second (end to end, export included)", Math.round(runs / seconds).toLocaleString("en-US")],
        ["tasks per second (until the last task returned)", Math.round(TASKS / callerSeconds).toLocaleString("en-US")],
        ["the same 10,000 interleaved streams without any tracing (Node.js alone)", `${bareSeconds.toFixed(2)} s`],
        [
          "peak heap during the run (sampled every 20 ms)",
          `${formatBytes(peakHeap)} (${formatBytes(peakHeap - heapBefore)} above the start)`,
        ],
        ["JSONL lines written", totals.lines.toLocaleString("en-US")],
        [
          "runs exported / dropped (tracer.exportStats)",
          `${totals.exported.toLocaleString("en-US")} / ${totals.dropped}`,
        ],
        [
          `per-scope usage: scopes with exactly their run's usage`,
          `${totals.exactScopes.toLocaleString("en-US")} of ${TASKS.toLocaleString("en-US")}`,
        ],
        [
          "outer scope usage (" + RESPONSE_MODEL + ")",
          `input ${totals.outer.input_tokens.toLocaleString("en-US")}, output ${totals.outer.output_tokens.toLocaleString("en-US")}, total ${totals.outer.total_tokens.toLocaleString("en-US")} (expected ${totals.expectedTotal.toLocaleString("en-US")})`,
        ],
        [
          "total_tokens summed over the JSONL llm runs",
          `${totals.fileTotal.toLocaleString("en-US")} (expected ${totals.expectedTotal.toLocaleString("en-US")})`,
        ],
        ...tightRows("start + end with usage", startEnd),
        ...tightRows(`start + ${TOKENS_PER_RUN} streamed tokens + end`, streamed),
        [
          `floor: the ${TOKENS_PER_RUN}-token producer's records written again, one JSON.stringify each, one write per 100 lines, nothing else (records per second)`,
          `${floorRate} (${floor.lines.toLocaleString("en-US")} records in ${floor.seconds.toFixed(2)} s, one thread)`,
        ],
      ],
      checks: [
        {
          label: `6. tight producer: ≥ 100,000 traced runs/s into JSONL, ${TIGHT_RUNS.toLocaleString("en-US")} runs, none dropped`,
          met: startEnd.lines / startEnd.seconds >= 100_000,
          measured: `${Math.round(startEnd.lines / startEnd.seconds).toLocaleString("en-US")} runs/s (start + end), ${Math.round(streamed.lines / streamed.seconds).toLocaleString("en-US")} runs/s (${TOKENS_PER_RUN} tokens), exact totals, 0 dropped; writing the same records with JSON.stringify alone: ${floorRate} records/s`,
        },
        {
          label: "6. exact totals at 10,000 concurrent runs",
          met: true,
          measured: `${totals.lines.toLocaleString("en-US")} JSONL lines, ${totals.exactScopes.toLocaleString("en-US")} exact scopes, outer total ${totals.outer.total_tokens.toLocaleString("en-US")}, ${Math.round(runs / seconds).toLocaleString("en-US")} runs/s`,
        },
      ],
      notes: [
        `Every task awaits a setImmediate turn before each of its ${TOKENS_PER_RUN} tokens, so all ${TASKS.toLocaleString("en-US")} runs are open at once and interleave. Handlers are ambient: withCallbacks([tracer]) around one outer withUsageMetadata around ${TASKS.toLocaleString("en-US")} inner ones; runs are started with CallbackManager.configure() and the chain's body runs in runInContext, so each chat-model run is the chain's child.`,
        "Checked exactly (the benchmark throws otherwise): every inner scope's usage is its own run's usage and nothing else; the outer scope's is the sum of all; the file has one line per run, every chat-model line names its chain as parent and its trace, and their total_tokens add up; no run was dropped.",
        `RunTracer with batches of 100 (default) and the export queue bound raised to ${(TASKS * RUNS_PER_TASK).toLocaleString("en-US")}: the tasks advance in lockstep, so all ${(TASKS * RUNS_PER_TASK).toLocaleString("en-US")} runs end within a few event-loop turns, before the first batch is written. With the default bound (10,000) the processor keeps memory bounded and drops the excess with a runs_dropped warning (measured: 10,000 of 20,000 dropped). The wall time ends when tracer.shutdown() has written everything.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Totals {
  lines: number;
  exported: number;
  dropped: number;
  exactScopes: number;
  outer: UsageMetadata;
  expectedTotal: number;
  fileTotal: number;
}

function verify(
  scopes: { result: string; usage: Record<string, UsageMetadata> }[],
  outer: Record<string, UsageMetadata>,
  jsonl: string,
  stats: { exported: number; dropped: number },
): Totals {
  const problems: string[] = [];
  let exactScopes = 0;
  let expectedTotal = 0;
  scopes.forEach(({ usage }, i) => {
    const expected = usageOf(i);
    expectedTotal += expected.total_tokens;
    if (Object.keys(usage).length === 1 && JSON.stringify(usage[RESPONSE_MODEL]) === JSON.stringify(expected))
      exactScopes++;
  });
  if (exactScopes !== TASKS) problems.push(`${TASKS - exactScopes} scopes with wrong usage`);
  const outerUsage = outer[RESPONSE_MODEL];
  if (outerUsage === undefined || Object.keys(outer).length !== 1 || outerUsage.total_tokens !== expectedTotal) {
    problems.push(`outer usage ${JSON.stringify(outer)} instead of total ${expectedTotal}`);
  }
  const runs = jsonl
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Run);
  const chains = new Map(runs.filter((run) => run.run_type === "chain").map((run) => [run.id, run]));
  const llms = runs.filter((run) => run.run_type === "llm");
  let fileTotal = 0;
  for (const llm of llms) {
    fileTotal += llm.total_tokens ?? 0;
    const parent = typeof llm.parent_run_id === "string" ? chains.get(llm.parent_run_id) : undefined;
    if (parent === undefined || llm.trace_id !== parent.id || !llm.dotted_order.startsWith(`${parent.dotted_order}.`)) {
      problems.push(`llm run ${llm.id} not under its chain`);
      break;
    }
  }
  const chainIds = new Set(scopes.map((scope) => scope.result));
  if (runs.length !== TASKS * RUNS_PER_TASK || chains.size !== TASKS || llms.length !== TASKS) {
    problems.push(
      `${runs.length} lines (${chains.size} chains, ${llms.length} llm runs) instead of ${TASKS * RUNS_PER_TASK}`,
    );
  }
  if ([...chains.keys()].some((id) => !chainIds.has(id))) problems.push("a chain run in the file belongs to no task");
  if (fileTotal !== expectedTotal) problems.push(`file total_tokens ${fileTotal} instead of ${expectedTotal}`);
  if (stats.dropped !== 0 || stats.exported !== TASKS * RUNS_PER_TASK)
    problems.push(`exported ${stats.exported}, dropped ${stats.dropped}`);
  if (problems.length > 0) throw new Error(`throughput totals wrong: ${problems.join("; ")}`);
  return {
    lines: runs.length,
    exported: stats.exported,
    dropped: stats.dropped,
    exactScopes,
    outer: outerUsage as UsageMetadata,
    expectedTotal,
    fileTotal,
  };
}
