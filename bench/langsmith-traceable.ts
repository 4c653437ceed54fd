// Benchmark 2b: the whole cost of a traced function sent to a LangSmith endpoint, against langsmith's own
// `traceable`. Both sides post to a loopback LangSmith (another process on 127.0.0.1, answering every
// ingest request 202), and each sample waits until every run it made was sent: runledger's
// tracer.forceFlush(), langsmith's client.awaitPendingTraceBatches(). Measured as CPU time of this
// process per run (process.cpuUsage): each side's serialization and requests are inside it, the time
// spent waiting for a batch timer (langsmith's client drains its queue on one) is not, as it costs an
// application's server nothing.
import { spawn, type ChildProcess } from "node:child_process";
import { Client } from "langsmith";
import { traceable as langsmithTraceable } from "langsmith/traceable";
import { stats, type Stats } from "./harness.js";
import { messagesOf, METADATA, resultOf } from "./payloads.js";
import { PAIR_HEADER, pairRow, type Section } from "./report.js";
import { rl } from "./subject.js";

// Each sample sends its runs in several requests (both clients batch up to 100 runs per request).
const RUNS_PER_SAMPLE = 500;
const WARMUP_ROUNDS = 2;
const ROUNDS = 21;

type Call = { messages: ReturnType<typeof messagesOf>; result: ReturnType<typeof resultOf> };

// The loopback LangSmith, run in a child process so that its work is not counted: GET /info names the
// multipart endpoint; every other request is read whole and answered 202.
const SERVER = `
const server = require("node:http").createServer((request, response) => {
  let size = 0;
  request.on("data", (chunk) => (size += chunk.length));
  request.on("end", () => {
    if (request.method === "GET" && request.url.startsWith("/info")) {
      response.writeHead(200, { "content-type": "application/json" });
      return response.end(JSON.stringify({ batch_ingest_config: { use_multipart_endpoint: true } }));
    }
    process.send({ bytes: size });
    response.writeHead(202, { "content-type": "application/json" });
    response.end("{}");
  });
});
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
process.on("disconnect", () => process.exit(0));
`;

/** A loopback LangSmith in a child process, counting the ingest requests and bytes it received. */
class LoopbackLangSmith {
  requests = 0;
  bytes = 0;
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(): Promise<LoopbackLangSmith> {
    const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("message", (message: { port: number }) => {
        const loopback = new LoopbackLangSmith(child, `http://127.0.0.1:${message.port}`);
        child.on("message", ({ bytes }: { bytes: number }) => {
          loopback.requests++;
          loopback.bytes += bytes;
        });
        resolve(loopback);
      });
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

function callsOf(count: number): Call[] {
  return Array.from({ length: count }, (_, i) => ({ messages: messagesOf(i), result: resultOf(i) }));
}

/** Runs benchmark 2b. */
export async function langsmithTraceableBench(): Promise<Section> {
  const [oursServer, peerServer] = await Promise.all([LoopbackLangSmith.start(), LoopbackLangSmith.start()]);
  // The same model call on both sides: messages in, the model's LLMResult (with usage) out.
  const chat = async ({ messages, result }: Call) => {
    void messages;
    return result;
  };

  const tracer = new rl.RunTracer({
    exporter: new rl.LangSmithRunExporter({ apiUrl: oursServer.url, apiKey: "bench", projectName: "bench" }),
  });
  const ours = rl.traceable(chat, { name: "ChatOpenAI", runType: "llm", metadata: METADATA, tracer });
  const client = new Client({ apiUrl: peerServer.url, apiKey: "bench" });
  const theirs = langsmithTraceable(chat, {
    name: "ChatOpenAI",
    run_type: "llm",
    metadata: METADATA,
    client,
    tracingEnabled: true,
    project_name: "bench",
  });
  const sides = [
    {
      name: "runledger",
      times: [] as number[],
      async run(calls: Call[]) {
        for (const call of calls) await ours(call);
        await tracer.forceFlush();
      },
    },
    {
      name: "langsmith traceable",
      times: [] as number[],
      async run(calls: Call[]) {
        for (const call of calls) await theirs(call);
        await client.awaitPendingTraceBatches();
      },
    },
  ];
  // Alternating (A B, then B A, …) after two warm-up rounds each; fresh inputs per round, built untimed.
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const calls = callsOf(RUNS_PER_SAMPLE);
      const start = process.cpuUsage();
      await side.run(calls);
      const used = process.cpuUsage(start);
      if (round >= WARMUP_ROUNDS) side.times.push((used.user + used.system) / 1000 / RUNS_PER_SAMPLE);
    }
  }
  const [oursStats, peerStats] = sides.map((side) => stats(side.name, side.times, RUNS_PER_SAMPLE)) as [Stats, Stats];
  await tracer.shutdown();
  oursServer.close();
  peerServer.close();
  const row = pairRow(
    "whole cost (CPU time per run): traced llm function → loopback LangSmith, runs sent",
    oursStats,
    peerStats,
  );
  if (oursServer.requests === 0 || peerServer.requests === 0) throw new Error("a side sent nothing");
  return {
    title: "2b. A traced function sent to LangSmith (whole cost)",
    header: PAIR_HEADER,
    rows: [row.row],
    checks: [],
    notes: [
      "Both sides: an async function traced as an llm run (inputs: the bench's chat messages; output: its LLMResult with usage), awaited per call; metadata ls_provider / ls_model_name. Each sample then waits until its runs were sent: runledger tracer.forceFlush() (RunTracer → BatchRunProcessor → LangSmithRunExporter, multipart), langsmith client.awaitPendingTraceBatches() (Client with its defaults: autoBatchTracing on, multipart).",
      `Each side posts to its own loopback LangSmith, a child process on 127.0.0.1 that reads every request body and answers 202 (GET /info names the multipart endpoint). Time: this process's CPU time (user + system, process.cpuUsage) per run over samples of ${RUNS_PER_SAMPLE} runs, ${ROUNDS} per side, alternating, after ${WARMUP_ROUNDS} warm-up rounds; waiting for a batch timer or the server is not counted.`,
      `Checked: runledger sent ${oursServer.requests} requests (${(oursServer.bytes / 2 ** 20).toFixed(1)} MiB), langsmith ${peerServer.requests} (${(peerServer.bytes / 2 ** 20).toFixed(1)} MiB).`,
    ],
  };
}
