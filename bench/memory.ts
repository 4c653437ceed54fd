// Benchmark 5: memory. (a) Bytes retained per finished 20-token run held in memory: runledger's
// RunTracer with an InMemoryRunExporter vs @langchain/core's RunCollectorCallbackHandler (a BaseTracer)
// vs langsmith RunTree with one event per token. (b) One streamed run of 1,000,000 tokens: the heap
// before, after and at its peak. Needs --expose-gc (bench/run.ts starts every benchmark with it).
import { CallbackManager as LangChainCallbackManager } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult as LangChainLLMResult } from "@langchain/core/outputs";
import { RunCollectorCallbackHandler } from "@langchain/core/tracers/run_collector";
import { Client } from "langsmith";
import { RunTree } from "langsmith/run_trees";
import {
  CHUNKS,
  EXTRA_PARAMS,
  langchainChunkOf,
  messagesOf,
  METADATA,
  resultOf,
  SERIALIZED,
  TOKENS_PER_RUN,
} from "./payloads.js";
import { formatBytes, formatRatio, type Section } from "./report.js";
import { rl } from "./subject.js";

const RUNS = 10_000;
const STREAM_TOKENS = 1_000_000;
const HEAP_SAMPLE_EVERY = 10_000;
const RETAINED_SAMPLE_EVERY = 100_000;
// Ours may retain at most a quarter of @langchain/core's bytes per run.
const MAX_SHARE = 0.25;

/** Something holding finished runs: `record` adds `count` runs to what it holds; `clear` drops them. */
interface Holder {
  name: string;
  record(count: number): Promise<void>;
  clear(): void;
  /** How many finished runs it holds. */
  held(): number;
}

/** Runs benchmark 5. */
export async function memory(): Promise<Section> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run node with --expose-gc (npm run bench does)");

  const ours = await retainedPerRun(gc, oursHolder(false));
  const oursWithEvents = await retainedPerRun(gc, oursHolder(true));
  const langchain = await retainedPerRun(gc, langchainHolder());
  const oursPlain = await retainedPerRun(gc, oursHolder(false, plainChunkOf));
  const langchainPlain = await retainedPerRun(gc, langchainHolder(plainChunkOf));
  const langsmith = await retainedPerRun(gc, langsmithHolder());
  const stream = await streamedRun(gc);
  const share = ours / langchain;

  const row = (name: string, bytes: number, note: string): string[] => [
    name,
    formatBytes(bytes),
    `${formatRatio(bytes / ours)}×`,
    note,
  ];
  return {
    title: "5. Memory",
    header: ["what is held", "bytes per finished 20-token run", "vs runledger", "kept per run"],
    rows: [
      row(
        "runledger RunTracer → InMemoryRunExporter",
        ours,
        "the exported Run record as its JSON text, compressed with the runs around it in blocks of 64 K characters (parsed on read); token events off (the default)",
      ),
      row("runledger, keepTokenEvents: true", oursWithEvents, "the same, plus one new_token event per token"),
      row(
        "@langchain/core RunCollectorCallbackHandler (BaseTracer)",
        langchain,
        "the run with a new_token event per token (token, idx, chunk)",
      ),
      row(
        "langsmith RunTree + addEvent per token",
        langsmith,
        "the tree with one new_token event ({ token }) per token",
      ),
      row(
        "runledger, streams passing plain { text, message } chunks",
        oursPlain,
        "as the first row: chunks are never kept",
      ),
      row(
        "@langchain/core, streams passing plain { text, message } chunks",
        langchainPlain,
        "the chunks it keeps are small here",
      ),
      [
        `one streamed run of ${STREAM_TOKENS.toLocaleString("en-US")} tokens (runledger)`,
        "",
        "",
        `heap before ${formatBytes(stream.before)}; peak ${formatBytes(stream.peak)} (${signed(stream.peak - stream.before)}, uncollected chunk garbage included); most retained after GC at 100k-token checkpoints ${formatBytes(stream.retained)} (${signed(stream.retained - stream.before)}); after ${formatBytes(stream.after)} (${signed(stream.after - stream.before)})`,
      ],
    ],
    checks: [
      {
        label: `5. runledger retains ≤ ${MAX_SHARE * 100}% of @langchain/core's bytes per run`,
        met: share <= MAX_SHARE,
        measured: `${(share * 100).toFixed(1)}% (${formatBytes(ours)} vs ${formatBytes(langchain)}); with minimal plain chunks ${((oursPlain / langchainPlain) * 100).toFixed(1)}%`,
      },
      {
        label: `5. a ${STREAM_TOKENS.toLocaleString("en-US")}-token run keeps the heap flat`,
        met: stream.retained - stream.before < 256 * 1024 && stream.after - stream.before < 256 * 1024,
        measured: `retained during the run ${signed(stream.retained - stream.before)}, after ${signed(stream.after - stream.before)}; peak incl. garbage ${signed(stream.peak - stream.before)}`,
      },
    ],
    notes: [
      "Chunks: each token comes with a fresh ChatGenerationChunk holding an AIMessageChunk, what LangChain.js chat models pass as `fields.chunk` (langsmith's RunTree events carry the token only). The last two rows repeat the measurement with minimal plain-object chunks, which flatters @langchain/core (it keeps every chunk).",
      `Bytes per run: heapUsed after ${RUNS.toLocaleString("en-US")} finished runs (each start + ${TOKENS_PER_RUN} tokens with their chunk + end with usage, fresh inputs per run) minus heapUsed before, after full GCs, divided by ${RUNS.toLocaleString("en-US")}. Each holder is measured alone and dropped before the next.`,
      "runledger holds the whole JSON text of the Run record its exporter received (inputs, outputs with usage, extra, events, times, dotted order, cost: every field, getFinishedRuns() gives it back), compressed (brotli, quality 1, 64 KiB window) in blocks of 64 K characters with its neighbours, the last block uncompressed; the compression costs the export ~3.4 µs per 20-token run (included in benchmark 2's whole-cost row to the in-memory exporter). @langchain/core and langsmith hold the objects they were given (references) plus their own event per token.",
      `Streamed run: CallbackManager with RunTracer (InMemoryRunExporter) and UsageMetadataCallbackHandler; each token comes with a fresh LangChain chunk, as from a provider stream. heapUsed is sampled every ${HEAP_SAMPLE_EVERY.toLocaleString("en-US")} tokens without forcing GC (peak), every ${RETAINED_SAMPLE_EVERY.toLocaleString("en-US")} tokens after full GCs (retained), and after the run's end and export (its record dropped) with GC. Flat means: under 256 KB retained, at every checkpoint and after.`,
    ],
  };
}

/** Bytes retained per run by `holder` after `RUNS` finished runs. */
async function retainedPerRun(gc: () => void, holder: Holder): Promise<number> {
  await holder.record(200); // warm-up: code and lazy state loaded before the baseline
  holder.clear();
  const heapBefore = settledHeap(gc);
  await holder.record(RUNS);
  const heapAfter = settledHeap(gc);
  if (holder.held() !== RUNS) throw new Error(`${holder.name} holds ${holder.held()} of ${RUNS} runs`);
  holder.clear();
  return (heapAfter - heapBefore) / RUNS;
}

function settledHeap(gc: () => void): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

type ChunkFactory = (text: string) => object;

/** A plain chunk (the smallest a stream could pass), for comparison with LangChain's own chunk objects. */
const plainChunkOf: ChunkFactory = (text) => ({ text, message: { content: text } });

function oursHolder(keepTokenEvents: boolean, chunkOf: ChunkFactory = langchainChunkOf): Holder {
  const exporter = new rl.InMemoryRunExporter();
  const tracer = new rl.RunTracer({ exporter, keepTokenEvents });
  const manager = rl.CallbackManager.configure({ callbacks: [tracer], metadata: METADATA });
  return {
    name: "runledger",
    async record(count) {
      for (let i = 0; i < count; i++) {
        const run = manager.handleChatModelStart(SERIALIZED, messagesOf(i), undefined, undefined, EXTRA_PARAMS);
        for (const { text } of CHUNKS)
          void run.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk: chunkOf(text) });
        void run.handleLLMEnd(resultOf(i));
        if (i % 1000 === 999) await tracer.forceFlush(); // the export queue holds 10,000 runs at most
      }
      await tracer.forceFlush();
    },
    clear: () => exporter.reset(),
    // getFinishedRuns() copies the list: counted once, after the heap was measured.
    held: () => exporter.getFinishedRuns().length,
  };
}

function langchainHolder(chunkOf: ChunkFactory = langchainChunkOf): Holder {
  const collector = new RunCollectorCallbackHandler();
  const manager = new LangChainCallbackManager();
  manager.setHandlers([collector]);
  manager.addMetadata(METADATA);
  return {
    name: "@langchain/core",
    async record(count) {
      for (let i = 0; i < count; i++) {
        const [run] = await manager.handleChatModelStart(
          SERIALIZED,
          messagesOf(i) as unknown as BaseMessage[][],
          undefined,
          undefined,
          EXTRA_PARAMS,
        );
        if (run === undefined) throw new Error("@langchain/core started no run");
        for (const { text } of CHUNKS)
          await run.handleLLMNewToken(text, undefined, undefined, undefined, undefined, {
            chunk: chunkOf(text) as never,
          });
        await run.handleLLMEnd(resultOf(i) as LangChainLLMResult);
      }
    },
    clear() {
      collector.tracedRuns = [];
    },
    held: () => collector.tracedRuns.length,
  };
}

function langsmithHolder(): Holder {
  const client = new Client({ apiUrl: "http://127.0.0.1:9", apiKey: "bench-no-network" });
  let trees: RunTree[] = [];
  return {
    name: "langsmith",
    async record(count) {
      for (let i = 0; i < count; i++) {
        const tree = new RunTree({
          name: "ChatOpenAI",
          run_type: "llm",
          inputs: { messages: messagesOf(i) },
          extra: { ...EXTRA_PARAMS },
          metadata: METADATA,
          project_name: "bench",
          client,
          tracingEnabled: false,
        });
        for (const { text } of CHUNKS) tree.addEvent({ name: "new_token", kwargs: { token: text } });
        await tree.end(resultOf(i) as unknown as Record<string, unknown>);
        trees.push(tree);
      }
    },
    clear() {
      trees = [];
    },
    held: () => trees.length,
  };
}

/**
 * The heap around one streamed run of `STREAM_TOKENS` tokens: before; at its peak, sampled without
 * forcing GC (so it includes the chunks' garbage not yet collected); the most retained at checkpoints
 * after a full GC; and after the run ended and was exported.
 */
async function streamedRun(gc: () => void): Promise<{ before: number; peak: number; retained: number; after: number }> {
  const exporter = new rl.InMemoryRunExporter();
  const tracer = new rl.RunTracer({ exporter });
  const usage = new rl.UsageMetadataCallbackHandler();
  const manager = rl.CallbackManager.configure({ callbacks: [tracer, usage], metadata: METADATA });
  const before = settledHeap(gc);
  let peak = before;
  let retained = before;
  const run = manager.handleChatModelStart(SERIALIZED, messagesOf(), undefined, undefined, EXTRA_PARAMS);
  for (let i = 1; i <= STREAM_TOKENS; i++) {
    const text = CHUNKS[i % CHUNKS.length]?.text ?? "";
    void run.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk: langchainChunkOf(text) });
    if (i % HEAP_SAMPLE_EVERY === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    if (i % RETAINED_SAMPLE_EVERY === 0) retained = Math.max(retained, settledHeap(gc));
  }
  void run.handleLLMEnd(resultOf());
  await tracer.forceFlush();
  const [record] = exporter.getFinishedRuns();
  if (record?.first_token_time === undefined || record.total_tokens === undefined)
    throw new Error("the streamed run was not recorded");
  exporter.reset();
  return { before, peak, retained, after: settledHeap(gc) };
}

function signed(bytes: number): string {
  return bytes >= 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes);
}
