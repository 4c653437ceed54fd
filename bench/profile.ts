// A profiling loop for runledger's side of a benchmark, with no peer and no timing: run it under
// `node --cpu-prof` to see where the time goes before optimizing anything.
//   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts traced-run [runs]
// Scenarios: traced-run (benchmark 2, its background export included: json-safe and redact frames are
// the export), run-tree (benchmark 3), otel-span (benchmark 4). Measures the build unless `--source` is given (see subject.ts).
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { callsOf, CHUNKS, EXTRA_PARAMS, METADATA, SERIALIZED } from "./payloads.js";
import { rl } from "./subject.js";

const BATCH = 1000;

type Scenario = (runs: number) => Promise<void>;

async function tracedRun(runs: number): Promise<void> {
  const exporter = new rl.InMemoryRunExporter();
  const tracer = new rl.RunTracer({ exporter });
  const usage = new rl.UsageMetadataCallbackHandler();
  const manager = rl.CallbackManager.configure({ callbacks: [tracer, usage], metadata: METADATA });
  for (let done = 0; done < runs; done += BATCH) {
    for (const { messages, result } of callsOf(BATCH)) {
      const run = manager.handleChatModelStart(SERIALIZED, messages, undefined, undefined, EXTRA_PARAMS);
      for (const chunk of CHUNKS)
        void run.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
      void run.handleLLMEnd(result);
    }
    await tracer.forceFlush();
    exporter.reset();
  }
}

const SCENARIOS: Record<string, Scenario> = {
  "traced-run": tracedRun,
  async "run-tree"(runs) {
    const tracer = new rl.RunTracer({ exporter: { export: async () => ({ code: "success" as const }) } });
    const manager = rl.CallbackManager.configure({ callbacks: [tracer] });
    for (let done = 0; done < runs; done += BATCH) {
      const parent = manager.handleChainStart({ name: "agent" }, { question: "?" });
      for (let i = 0; i < BATCH; i++)
        void parent
          .getChild()
          .handleChainStart({ name: "retrieve" }, { query: "capital of France" })
          .handleChainEnd({ documents: 3 });
      void parent.handleChainEnd({ answer: "Paris" });
      await tracer.forceFlush();
    }
  },
  async "otel-span"(runs) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const manager = rl.CallbackManager.configure({
      callbacks: [new rl.OpenTelemetryCallbackHandler({ tracerProvider: provider })],
      metadata: METADATA,
    });
    for (let done = 0; done < runs; done += BATCH) {
      for (const { messages, result } of callsOf(BATCH))
        void manager
          .handleChatModelStart(SERIALIZED, messages, undefined, undefined, EXTRA_PARAMS)
          .handleLLMEnd(result);
      exporter.reset();
    }
  },
};

const [name = "", runsArg] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const scenario = SCENARIOS[name];
if (scenario === undefined) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(", ")}`);
const runs = Number(runsArg ?? 200_000);
const start = process.hrtime.bigint();
await scenario(runs);
console.log(
  `${name}: ${runs} runs, ${(Number(process.hrtime.bigint() - start) / runs / 1000).toFixed(2)} µs per run (untimed harness, profiling only)`,
);
