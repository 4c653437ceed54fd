import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageTotals } from "../../callbacks/usage-totals.js";
import { addUsage, type UsageMetadata } from "../../schemas/index.js";

// Usage as it arrives from anywhere: valid counts, but also maps where numbers are expected and the
// other way round, non-numbers, undefined, and hostile keys.
const key = fc.constantFrom(
  "cache_read",
  "cache_creation",
  "reasoning",
  "audio",
  "x",
  "__proto__",
  "constructor",
  "toString",
);
const leaf = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.constant(undefined),
  fc.constant("7"),
  fc.constant(null),
);
const details = fc.dictionary(key, fc.oneof(leaf, fc.dictionary(key, leaf, { maxKeys: 2 })), { maxKeys: 4 });
const usage = fc.record(
  {
    input_tokens: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), details),
    output_tokens: fc.integer({ min: 0, max: 1_000_000 }),
    total_tokens: fc.integer({ min: 0, max: 2_000_000 }),
    input_token_details: fc.oneof(details, fc.integer({ min: 0, max: 9 })),
    output_token_details: details,
    other: leaf,
  },
  { requiredKeys: ["output_tokens"] },
) as unknown as fc.Arbitrary<UsageMetadata>;

describe("UsageTotals", () => {
  it("sums exactly as addUsage does, whatever the records hold", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("a", "b"), usage), { maxLength: 8 }), (records) => {
        const totals = new UsageTotals();
        const expected: Record<string, UsageMetadata> = {};
        for (const [model, record] of records) {
          totals.add(model, record);
          expected[model] = addUsage(expected[model], record);
        }
        // Same keys, same order, same counts (toStrictEqual would compare the hostile "constructor" keys as types).
        expect(JSON.stringify(totals.snapshot())).toBe(JSON.stringify(expected));
        expect(totals.snapshot()).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("hands out snapshots that later runs do not change, and the same one until something changes", () => {
    const totals = new UsageTotals();
    totals.add("m", { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: { cache_read: 1 } });
    const first = totals.snapshot();
    expect(totals.snapshot()).toBe(first);
    totals.add("m", { input_tokens: 10, output_tokens: 20, total_tokens: 30, input_token_details: { cache_read: 5 } });
    expect(first).toEqual({
      m: { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: { cache_read: 1 } },
    });
    expect(totals.snapshot()).toEqual({
      m: { input_tokens: 11, output_tokens: 22, total_tokens: 33, input_token_details: { cache_read: 6 } },
    });
    // Changing a snapshot does not change the totals.
    (totals.snapshot().m as UsageMetadata).input_tokens = 999;
    totals.add("n", { input_tokens: 0, output_tokens: 0, total_tokens: 0 });
    expect(totals.snapshot().m?.input_tokens).toBe(11);
  });

  it("reset starts over from copies of what it is given", () => {
    const totals = new UsageTotals();
    totals.add("m", { input_tokens: 1, output_tokens: 1, total_tokens: 2 });
    const start = { k: { input_tokens: 5, output_tokens: 0, total_tokens: 5 } };
    totals.reset(start);
    totals.add("k", { input_tokens: 1, output_tokens: 0, total_tokens: 1 });
    expect(totals.snapshot()).toEqual({ k: { input_tokens: 6, output_tokens: 0, total_tokens: 6 } });
    expect(start.k.input_tokens).toBe(5);
    totals.reset();
    expect(totals.snapshot()).toEqual({});
  });
});
