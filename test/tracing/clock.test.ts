import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compactFromMicros, isoFromMicros } from "../../src/tracing/clock.js";

// The definition: the Date's ISO string with the microseconds appended.
function referenceIso(micros: number): string {
  const millis = Math.floor(micros / 1000);
  return `${new Date(millis).toISOString().slice(0, 23)}${String(micros - millis * 1000).padStart(3, "0")}Z`;
}

function referenceCompact(micros: number): string {
  const iso = referenceIso(micros);
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20, 26)}`;
}

describe("isoFromMicros and compactFromMicros (cached per second)", () => {
  it("format a time with microseconds", () => {
    expect(isoFromMicros(1_714_564_800_123_456)).toBe("2024-05-01T12:00:00.123456Z");
    expect(compactFromMicros(1_714_564_800_123_456)).toBe("20240501T120000123456");
    expect(isoFromMicros(1_714_564_800_000_007)).toBe("2024-05-01T12:00:00.000007Z");
  });

  it("stay right across second boundaries, cache-slot collisions and alternating seconds", () => {
    const base = 1_714_564_800_000_000;
    const times = [
      base - 1,
      base,
      base + 999_999,
      base + 1_000_000,
      base + 64_000_000,
      base,
      base + 128_000_001,
      base - 64_000_000,
    ];
    for (const micros of times) {
      expect(isoFromMicros(micros)).toBe(referenceIso(micros));
      expect(compactFromMicros(micros)).toBe(referenceCompact(micros));
    }
  });

  it("match the definition before 1970, past year 9999 and for fractional microseconds", () => {
    // eslint-disable-next-line no-loss-of-precision -- the clock must format values past 2^53 as a double holds them
    for (const micros of [-1, -1_000_001, -62_167_219_200_000_001, 253_402_300_800_000_000, 1_714_564_800_005_000.5]) {
      expect(isoFromMicros(micros)).toBe(referenceIso(micros));
      expect(compactFromMicros(micros)).toBe(referenceCompact(micros));
    }
  });

  it("match the definition for any time a safe integer of microseconds can hold (1685–2255)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (micros) => {
        expect(isoFromMicros(micros)).toBe(referenceIso(micros));
        expect(compactFromMicros(micros)).toBe(referenceCompact(micros));
      }),
      { numRuns: 2000 },
    );
  });

  it("throw on an invalid time, as Date does", () => {
    expect(() => isoFromMicros(Number.NaN)).toThrow(RangeError);
    expect(() => compactFromMicros(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
