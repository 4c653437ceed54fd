import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { maskSecretsInString, REDACTED } from "../../src/export/index.js";
import { ADVERSARIAL_UNITS, repeatTo } from "../support/adversarial-text.js";

// Masking must never block the event loop for long: every detector runs in time linear in the text.
// Measured as cost per byte across sizes 16× and 10× apart (a quadratic pattern multiplies it by the
// size ratio; the previous `sk-` and PEM patterns took 1.5 s at 64 KB, 25 µs per byte, and 518 s at
// 1 MB), with ceilings far above a linear scan's (~0.1 µs per byte) so a busy machine cannot fail it.
const KB = 1024;
const MB = KB * KB;
const CEILING_NS_PER_BYTE = 2_000;
const MAX_GROWTH = 6;

function bestNsPerByte(text: string, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    maskSecretsInString(text);
    best = Math.min(best, performance.now() - start);
  }
  return (best * 1e6) / text.length;
}

describe("masking time is linear in the text, however hostile", () => {
  it.each(Object.entries(ADVERSARIAL_UNITS))("%s: 64 KB and 1 MB cost the same per byte", (_name, unit) => {
    const small = repeatTo(unit, 64 * KB);
    const large = repeatTo(unit, MB);
    bestNsPerByte(small, 3); // optimized code before timing
    const perByteSmall = bestNsPerByte(small, 5);
    const perByteLarge = bestNsPerByte(large, 3);
    expect(perByteLarge).toBeLessThan(CEILING_NS_PER_BYTE);
    expect(perByteLarge).toBeLessThan(Math.max(perByteSmall, 20) * MAX_GROWTH);
  });

  it.each(["sk- prefixes, no digit", "PEM headers without footer", "name: pairs", "dashes"])(
    "%s: 10 MB costs what 1 MB costs per byte",
    (name) => {
      const unit = ADVERSARIAL_UNITS[name] as string;
      const perByteMb = bestNsPerByte(repeatTo(unit, MB), 3);
      const perByte10Mb = bestNsPerByte(repeatTo(unit, 10 * MB), 1);
      expect(perByte10Mb).toBeLessThan(CEILING_NS_PER_BYTE);
      expect(perByte10Mb).toBeLessThan(Math.max(perByteMb, 20) * MAX_GROWTH);
    },
  );

  it("a credential after a megabyte of near-matches is still found, and near-matches stay", () => {
    const key = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv";
    for (const unit of Object.values(ADVERSARIAL_UNITS)) {
      const masked = maskSecretsInString(`${repeatTo(unit, MB)} ${key}`);
      expect(masked.endsWith(` ${REDACTED}`) || !masked.includes(key)).toBe(true);
      expect(masked).not.toContain(key);
    }
    const clean = repeatTo("sk-abcdefgh ", MB);
    expect(maskSecretsInString(clean)).toBe(clean); // no digit: not a key
  });
});
