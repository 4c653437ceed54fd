// Rough cost of StreamAccumulator.add per chunk on an OpenAI Chat Completions stream (not run by CI).
// Usage: npx tsx bench/stream-accumulator-add.ts
import { StreamAccumulator } from "../src/providers/index.js";

const CHUNKS_PER_STREAM = 500;
const STREAMS = 400;

// Chunks are JSON.parse'd, as the SDKs produce them (objects built with spread have slower, unshared shapes).
const base = {
  id: "chatcmpl-bench",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-4o-mini-2024-07-18",
  system_fingerprint: "fp_1",
};
const chunks: object[] = [];
for (let i = 0; i < CHUNKS_PER_STREAM; i++) {
  const logprobs = {
    content: [{ token: " tok", bytes: [32, 116, 111, 107], logprob: -0.1, top_logprobs: [] }],
    refusal: null,
  };
  chunks.push({
    ...base,
    choices: [{ index: 0, delta: { content: ` tok${i}` }, logprobs, finish_reason: null }],
    usage: null,
  });
}
chunks.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }], usage: null });
chunks.push({
  ...base,
  choices: [],
  usage: { prompt_tokens: 20, completion_tokens: CHUNKS_PER_STREAM, total_tokens: 20 + CHUNKS_PER_STREAM },
});

const parsed: object[] = chunks.map((chunk) => JSON.parse(JSON.stringify(chunk)) as object);

function run(streams: number): { addNs: number; resultNs: number } {
  let addNs = 0n;
  let resultNs = 0n;
  for (let s = 0; s < streams; s++) {
    const accumulator = new StreamAccumulator({ provider: "openai" });
    const t0 = process.hrtime.bigint();
    for (const chunk of parsed) accumulator.add(chunk);
    const t1 = process.hrtime.bigint();
    accumulator.result();
    resultNs += process.hrtime.bigint() - t1;
    addNs += t1 - t0;
  }
  return { addNs: Number(addNs) / (streams * parsed.length), resultNs: Number(resultNs) / streams };
}

run(50); // warm-up
const { addNs, resultNs } = run(STREAMS);
console.log(
  `StreamAccumulator.add: ${addNs.toFixed(0)} ns/chunk; result(): ${(resultNs / 1000).toFixed(1)} µs per ${chunks.length}-chunk stream`,
);
