// Benchmark 2: a whole traced chat-model run (start + 20 tokens + end), recorded as a run record and
// counted for usage. @langchain/core: RunCollectorCallbackHandler (a BaseTracer subclass: builds the
// run, persists it to its collector) plus a usage-summing handler vs runledger: RunTracer (exporting to
// an InMemoryRunExporter) plus UsageMetadataCallbackHandler.
import { BaseCallbackHandler as LangChainBaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager as LangChainCallbackManager } from "@langchain/core/callbacks/manager";
import {
  mergeUsageMetadata,
  type BaseMessage,
  type UsageMetadata as LangChainUsageMetadata,
} from "@langchain/core/messages";
import type { LLMResult as LangChainLLMResult } from "@langchain/core/outputs";
import { RunCollectorCallbackHandler } from "@langchain/core/tracers/run_collector";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LLMResult } from "../schemas/index.js";
import { compare, formatNs, formatStats, median, type Contender } from "./harness.js";
import {
  callsOf,
  CHUNKS,
  EXTRA_PARAMS,
  METADATA,
  RESPONSE_MODEL,
  SERIALIZED,
  TOKENS_PER_RUN,
  usageOf,
} from "./payloads.js";
import { formatRatio, PAIR_HEADER, pairRow, type Section } from "./report.js";
import { rl } from "./subject.js";

const TARGET = 20;
// RunTracer's export queue holds 10,000 runs by default; a sample stays well under it.
const MAX_RUNS_PER_SAMPLE = 2000;

/**
 * @langchain/core 1.x exports no UsageMetadataCallbackHandler (Python's langchain_core has one): this is
 * its equivalent, summing each run's `usage_metadata` per response model with LangChain's own
 * mergeUsageMetadata. awaitHandlers on, so usage is complete when the call returns (as runledger's).
 */
class LangChainUsageHandler extends LangChainBaseCallbackHandler {
  name = "LangChainUsageHandler";
  usageMetadata: Record<string, LangChainUsageMetadata> = {};

  constructor() {
    super({ _awaitHandler: true });
  }

  override handleLLMEnd(output: LangChainLLMResult): void {
    for (const batch of output.generations) {
      for (const generation of batch) {
        const message = (
          generation as {
            message?: { usage_metadata?: LangChainUsageMetadata; response_metadata?: { model_name?: string } };
          }
        ).message;
        const usage = message?.usage_metadata;
        if (usage === undefined) continue;
        const model = message?.response_metadata?.model_name ?? "unknown";
        this.usageMetadata[model] = mergeUsageMetadata(this.usageMetadata[model], usage);
      }
    }
  }
}

type Calls = ReturnType<typeof callsOf>;

/** Runs benchmark 2. */
export async function tracedRun(): Promise<Section> {
  const exporter = new rl.InMemoryRunExporter();
  const tracer = new rl.RunTracer({ exporter });
  const usage = new rl.UsageMetadataCallbackHandler();
  const manager = rl.CallbackManager.configure({ callbacks: [tracer, usage], metadata: METADATA });
  const exportNs: number[] = [];

  const collector = new RunCollectorCallbackHandler();
  const peerUsage = new LangChainUsageHandler();
  const peerManager = new LangChainCallbackManager();
  peerManager.setHandlers([collector, peerUsage]);
  peerManager.addMetadata(METADATA);

  const ours: Contender<Calls> = {
    name: "runledger",
    maxOps: MAX_RUNS_PER_SAMPLE,
    setup: (ops) => callsOf(ops),
    run(calls) {
      for (const { messages, result } of calls) {
        const run = manager.handleChatModelStart(SERIALIZED, messages, undefined, undefined, EXTRA_PARAMS);
        for (const chunk of CHUNKS)
          void run.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
        void run.handleLLMEnd(result);
      }
    },
    // The background export (JSON-safe copy, secret masking, exporter) runs here, off the caller's path; timed apart.
    async teardown(calls) {
      const start = process.hrtime.bigint();
      await tracer.forceFlush();
      exportNs.push(Number(process.hrtime.bigint() - start) / calls.length);
      exporter.reset();
    },
  };
  const peer: Contender<Calls> = {
    name: "@langchain/core",
    setup: (ops) => callsOf(ops),
    async run(calls) {
      for (const { messages, result } of calls) {
        const [run] = await peerManager.handleChatModelStart(
          SERIALIZED,
          messages as unknown as BaseMessage[][],
          undefined,
          undefined,
          EXTRA_PARAMS,
        );
        if (run === undefined) throw new Error("@langchain/core started no run");
        for (const chunk of CHUNKS)
          await run.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, {
            chunk: chunk as never,
          });
        await run.handleLLMEnd(result as LangChainLLMResult);
      }
    },
    teardown() {
      collector.tracedRuns = [];
    },
  };

  const [oursStats, peerStats] = await compare(ours, peer);
  const main = pairRow(`start + ${TOKENS_PER_RUN} tokens + end`, oursStats, peerStats);
  // The whole cost measured directly: each sample's runs and then their background export, timed together.
  const jsonlPath = join(tmpdir(), `runledger-bench-${process.pid}.jsonl`);
  // Samples of 40 ms: enough runs per sample for full export batches (100 runs), as in an application.
  const whole = { sampleMillis: 40 };
  const [inMemoryWhole, peerForInMemory] = await compare(wholeCost(new rl.InMemoryRunExporter()), peer, whole);
  const [jsonlWhole, peerForJsonl] = await compare(
    wholeCost(new rl.JsonlRunExporter({ path: jsonlPath }), () => rmSync(jsonlPath, { force: true })),
    peer,
    whole,
  );
  // The floor of any export that writes JSON: one native JSON.stringify of the record, nothing else.
  const [floor, peerForFloor] = await compare(stringifyRecords(), peer);
  const floorRow = pairRow(`floor: one JSON.stringify of the run's exported record, nothing else`, floor, peerForFloor);
  const bound = peerForFloor.medianNs / (oursStats.medianNs + floor.medianNs);
  const inMemoryRow = pairRow(`whole cost (timed together) → InMemoryRunExporter`, inMemoryWhole, peerForInMemory);
  const jsonlRow = pairRow(`whole cost (timed together) → JsonlRunExporter, file written`, jsonlWhole, peerForJsonl);
  const exportMedian = median(exportNs);
  const verified = await verify({ tracer, exporter, usage, manager }, { collector, peerUsage, peerManager });
  return {
    title: "2. A whole traced chat-model run",
    header: PAIR_HEADER,
    rows: [
      main.row,
      [`runledger background export per run (not on the caller's path)`, formatNs(exportMedian), "", "", ""],
      [
        `runledger caller path + background export`,
        formatNs(oursStats.medianNs + exportMedian),
        peerStats.name,
        formatStats(peerStats),
        `${formatRatio(peerStats.medianNs / (oursStats.medianNs + exportMedian))}×`,
      ],
      inMemoryRow.row,
      jsonlRow.row,
      floorRow.row,
    ],
    checks: [
      {
        label: `2. traced chat-model run ≥ ${TARGET}× faster than @langchain/core`,
        met: main.ratio >= TARGET,
        measured: `${formatRatio(main.ratio)}× on the caller's path; ${formatRatio(peerStats.medianNs / (oursStats.medianNs + exportMedian))}× counting runledger's background export`,
      },
      {
        label: `2. whole cost of a traced chat-model run (export included) ≥ ${TARGET}× less than @langchain/core`,
        met: Math.min(inMemoryRow.ratio, jsonlRow.ratio) >= TARGET,
        measured: `${formatRatio(inMemoryRow.ratio)}× to the in-memory exporter, ${formatRatio(jsonlRow.ratio)}× to a JSONL file (at most ${formatRatio(bound)}× for any export that writes the record as JSON: caller path + one JSON.stringify)`,
      },
    ],
    notes: [
      "Both sides: one manager built once (not timed), then per run: chat-model start with invocation params and metadata, 20 tokens each with its chunk, end with an LLMResult carrying usage. Inputs and results are fresh objects per run, built before the timed part.",
      "@langchain/core: RunCollectorCallbackHandler (BaseTracer: builds the run with a new_token event per token, persists it to its tracedRuns) and a usage handler equivalent to Python's UsageMetadataCallbackHandler (@langchain/core 1.x exports none), summing with LangChain's mergeUsageMetadata; every event awaited.",
      "runledger: RunTracer with an InMemoryRunExporter and UsageMetadataCallbackHandler; the manager returns no promise, so nothing is awaited. At the end the tracer queues the finished run; its record (usage summed and priced, first_token_time, dotted_order) and that record's JSON-safe, secret-masked copy are built and exported in batches in the background, off the caller's path, and timed apart in the rows below.",
      "Whole-cost rows: a separate runledger side whose sample runs the calls and then awaits tracer.forceFlush(), so the record, its JSON-safe masked copy and the exporter's work (a JSON.stringify and one append per batch of 100 for JSONL) are inside the timed part; measured side by side with @langchain/core again, in samples of 40 ms so that export batches are full (100 runs).",
      "Floor row: the records runledger exported (parsed back from the in-memory exporter, built before the timed part) each given once to the native JSON.stringify, no masking, no copy, no I/O, alternating with @langchain/core's whole run. No exporter that writes the record as JSON (a JSONL line, a LangSmith request, a kept text) can cost less per run than the caller path plus this floor: it bounds the whole-cost ratio from above.",
      `Checked after timing: ${verified}`,
    ],
  };
}

/** A runledger side whose sample includes the background export: calls, then forceFlush, timed together. */
function wholeCost(
  exporter: InstanceType<typeof rl.InMemoryRunExporter> | InstanceType<typeof rl.JsonlRunExporter>,
  clear?: () => void,
): Contender<Calls> {
  const tracer = new rl.RunTracer({ exporter });
  const manager = rl.CallbackManager.configure({
    callbacks: [tracer, new rl.UsageMetadataCallbackHandler()],
    metadata: METADATA,
  });
  return {
    name: "runledger",
    maxOps: MAX_RUNS_PER_SAMPLE,
    setup: (ops) => callsOf(ops),
    async run(calls) {
      for (const { messages, result } of calls) {
        const run = manager.handleChatModelStart(SERIALIZED, messages, undefined, undefined, EXTRA_PARAMS);
        for (const chunk of CHUNKS)
          void run.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
        void run.handleLLMEnd(result);
      }
      await tracer.forceFlush();
    },
    teardown() {
      if (exporter instanceof rl.InMemoryRunExporter) exporter.reset();
      clear?.();
    },
  };
}

/** The floor side: records exported by a tracer (built untimed), each serialized once with JSON.stringify. */
function stringifyRecords(): Contender<unknown[]> {
  const exporter = new rl.InMemoryRunExporter();
  const producer = wholeCost(exporter);
  return {
    name: "JSON.stringify",
    maxOps: MAX_RUNS_PER_SAMPLE,
    async setup(ops) {
      await producer.run(callsOf(ops), ops);
      const records: unknown[] = exporter.getFinishedRuns();
      exporter.reset();
      return records;
    },
    run(records) {
      let length = 0;
      for (const record of records) length += JSON.stringify(record).length;
      if (length === 0) throw new Error("nothing serialized");
    },
  };
}

interface OurSide {
  tracer: InstanceType<typeof rl.RunTracer>;
  exporter: InstanceType<typeof rl.InMemoryRunExporter>;
  usage: InstanceType<typeof rl.UsageMetadataCallbackHandler>;
  manager: InstanceType<typeof rl.CallbackManager>;
}

interface PeerSide {
  collector: RunCollectorCallbackHandler;
  peerUsage: LangChainUsageHandler;
  peerManager: LangChainCallbackManager;
}

/** One more run through each side, checking both produced the run record and the usage. */
async function verify(
  { tracer, exporter, usage, manager }: OurSide,
  { collector, peerUsage, peerManager }: PeerSide,
): Promise<string> {
  exporter.reset();
  collector.tracedRuns = [];
  const before = usage.usageMetadata[RESPONSE_MODEL]?.total_tokens ?? 0;
  const peerBefore = peerUsage.usageMetadata[RESPONSE_MODEL]?.total_tokens ?? 0;
  const [{ messages, result }] = callsOf(1) as [{ messages: unknown[][]; result: LLMResult }];
  const run = manager.handleChatModelStart(SERIALIZED, messages, undefined, undefined, EXTRA_PARAMS);
  for (const chunk of CHUNKS)
    void run.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
  void run.handleLLMEnd(result);
  const [peerRun] = await peerManager.handleChatModelStart(
    SERIALIZED,
    messages as unknown as BaseMessage[][],
    undefined,
    undefined,
    EXTRA_PARAMS,
  );
  for (const chunk of CHUNKS)
    await peerRun?.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk: chunk as never });
  await peerRun?.handleLLMEnd(result as LangChainLLMResult);
  await tracer.forceFlush();
  const [record] = exporter.getFinishedRuns();
  const peerRecord = collector.tracedRuns[0];
  const expected = usageOf(0).total_tokens;
  const problems: string[] = [];
  if (
    record === undefined ||
    record.total_tokens !== expected ||
    record.first_token_time === undefined ||
    record.end_time === undefined
  ) {
    problems.push("runledger run record incomplete");
  }
  const peerEvents = peerRecord?.events?.length ?? 0;
  if (peerRecord === undefined || peerEvents !== TOKENS_PER_RUN + 2 || peerRecord.end_time === undefined) {
    problems.push("@langchain/core run record incomplete");
  }
  if ((usage.usageMetadata[RESPONSE_MODEL]?.total_tokens ?? 0) - before !== expected)
    problems.push("runledger usage wrong");
  if ((peerUsage.usageMetadata[RESPONSE_MODEL]?.total_tokens ?? 0) - peerBefore !== expected)
    problems.push("@langchain/core usage wrong");
  if (problems.length > 0) throw new Error(problems.join("; "));
  return `both sides produced a complete run record (runledger: total_tokens ${record?.total_tokens}, first_token_time, total_cost ${record?.total_cost ?? "none"}; @langchain/core: ${peerEvents} events) and added the run's ${expected} tokens to their usage totals.`;
}
