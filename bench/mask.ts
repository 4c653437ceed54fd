// Masking cost per byte: clean prose and clean mixed text (the common case: one indexOf per anchor,
// and a cheap rejection at each `:`, `=`, `-` of code and JSON) and adversarial near-matches at 64 KB, 1 MB and 10 MB (linear: the time per byte stays flat
// as the size grows 160×). Run: npx tsx bench/mask.ts
import { performance } from "node:perf_hooks";
import { maskSecretsInString } from "../src/export/index.js";
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
