// Masking cost per byte: clean prose and clean mixed text (the common case: one indexOf per anchor,
// and a cheap rejection at each `:`, `=`, `-` of code and JSON) and adversarial near-matches at 64 KB, 1 MB and 10 MB (linear: the time per byte stays flat
// as the size grows 160×); then per short string, the leaves of a run (ids, times, dotted orders, model
// names, prompts), each one never seen before, as in a long-running process. Run: npx tsx bench/mask.ts
import { performance } from "node:perf_hooks";
import { newRunId } from "../callbacks/run-id.js";
import { maskSecretsInString } from "../src/export/index.js";
import { compactFromMicros, isoFromMicros, nowMicros } from "../src/tracing/clock.js";
import { ADVERSARIAL_UNITS, cleanText, proseText, repeatTo } from "../test/support/adversarial-text.js";

// The median of `runs` timings of one masking of `text`, in nanoseconds per byte.
function nsPerByte(text: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    maskSecretsInString(text);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return ((times[Math.floor(runs / 2)] as number) * 1e6) / text.length;
}

const KB = 1024;
const MB = KB * KB;
const prose = proseText(MB);
const clean = cleanText(MB);
for (let i = 0; i < 50; i++) [prose, clean].forEach((text) => maskSecretsInString(text)); // warm-up: optimized code, as in a long-lived server
console.log(`clean prose, 1 MB: ${nsPerByte(prose, 101).toFixed(2)} ns/byte`);
console.log(`clean mixed text (prose, code, JSON), 1 MB: ${nsPerByte(clean, 101).toFixed(2)} ns/byte`);
console.log("\nadversarial near-matches: ms per MB at 64 KB / 1 MB / 10 MB");
for (const [name, unit] of Object.entries(ADVERSARIAL_UNITS)) {
  const perMb = [64 * KB, MB, 10 * MB].map((bytes) => {
    const text = repeatTo(unit, bytes);
    maskSecretsInString(text.slice(0, 64 * KB)); // warm this family's path
    return (nsPerByte(text, bytes > MB ? 3 : 9) * MB) / 1e6;
  });
  console.log(`${name.padEnd(32)} ${perMb.map((ms) => ms.toFixed(1).padStart(8)).join(" ")}`);
}

// Fresh strings made as the tracer makes them, masked once each: the median over rounds of the time
// per string. Times, dotted orders and prompts are concatenations, flattened here untimed: whichever
// reads such a string first (the scan, a hash, the quoting regex of the export) flattens it once, a
// cost of the string rather than of the scan.
const SHORT_STRINGS: Record<string, (i: number) => string> = {
  "run id (UUIDv7)": () => newRunId(),
  "ISO time": (i) => isoFromMicros(nowMicros() + i),
  "dotted order": (i) => `${compactFromMicros(nowMicros() + i)}Z${newRunId()}`,
  "model name": (i) => `gpt-4o-mini-2024-07-${10 + (i % 20)}`,
  prompt: (i) => `Question ${i}: what is the capital of France?`,
};
const PER_ROUND = 20_000;
console.log("\nshort strings, each fresh: ns per string (ns per character)");
for (const [name, make] of Object.entries(SHORT_STRINGS)) {
  const times: number[] = [];
  let length = 0;
  for (let round = 0; round < 25; round++) {
    const strings = Array.from({ length: PER_ROUND }, (_, i) => make(i));
    for (const text of strings) text.charCodeAt(0);
    length = strings[0]?.length ?? 0;
    const start = performance.now();
    for (const text of strings) maskSecretsInString(text);
    if (round >= 5) times.push(((performance.now() - start) * 1e6) / PER_ROUND); // after warm-up
  }
  times.sort((a, b) => a - b);
  const ns = times[times.length >> 1] as number;
  console.log(`${name.padEnd(32)} ${ns.toFixed(0).padStart(8)} ns (${(ns / length).toFixed(2)})`);
}
