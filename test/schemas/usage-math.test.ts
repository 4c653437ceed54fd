import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addUsage, subtractUsage, type UsageMetadata } from "../../schemas/index.js";

const count = fc.integer({ min: 0, max: 1_000_000 });
const detailKeys = fc.constantFrom(
  "audio",
  "cache_read",
  "cache_creation",
  "reasoning",
  "text",
  "image",
  "ephemeral_5m_input_tokens",
  "priority",
);
const details = fc.dictionary(detailKeys, count, { maxKeys: 5 });
const usage: fc.Arbitrary<UsageMetadata> = fc.record(
  {
    input_tokens: count,
    output_tokens: count,
    total_tokens: count,
    input_token_details: details,
    output_token_details: details,
  },
  { requiredKeys: ["input_tokens", "output_tokens", "total_tokens"] },
);

/** `u` with every count set to 0: adding it only adds the keys. */
function zeroed(u: UsageMetadata): UsageMetadata {
  return JSON.parse(JSON.stringify(u), (_key, value: unknown) =>
    typeof value === "number" ? 0 : value,
  ) as UsageMetadata;
}

describe("addUsage", () => {
  it("sums every key at every level and keeps keys only one side has", () => {
    const left: UsageMetadata = {
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
      input_token_details: { cache_read: 4, ephemeral_5m_input_tokens: 2 },
    };
    const right: UsageMetadata = {
      input_tokens: 1,
      output_tokens: 2,
      total_tokens: 3,
      input_token_details: { cache_read: 1, text: 7 },
      output_token_details: { reasoning: 2 },
    };
    expect(addUsage(left, right)).toEqual({
      input_tokens: 11,
      output_tokens: 7,
      total_tokens: 18,
      input_token_details: { cache_read: 5, ephemeral_5m_input_tokens: 2, text: 7 },
      output_token_details: { reasoning: 2 },
    });
  });

  it("accepts undefined on either side and never mutates its inputs", () => {
    const left: UsageMetadata = {
      input_tokens: 1,
      output_tokens: 1,
      total_tokens: 2,
      input_token_details: { audio: 1 },
    };
    const snapshot = structuredClone(left);
    const sum = addUsage(left, undefined);
    expect(sum).toEqual(left);
    expect(sum).not.toBe(left);
    expect(sum.input_token_details).not.toBe(left.input_token_details);
    expect(addUsage(undefined, left)).toEqual(left);
    expect(addUsage()).toEqual({ input_tokens: 0, output_tokens: 0, total_tokens: 0 });
    addUsage(left, left);
    expect(left).toEqual(snapshot);
  });

  it("is commutative and associative", () => {
    fc.assert(
      fc.property(usage, usage, (a, b) => {
        expect(addUsage(a, b)).toEqual(addUsage(b, a));
      }),
    );
    fc.assert(
      fc.property(usage, usage, usage, (a, b, c) => {
        expect(addUsage(addUsage(a, b), c)).toEqual(addUsage(a, addUsage(b, c)));
      }),
    );
  });
});

describe("subtractUsage", () => {
  it("floors every count at 0 and keeps keys only the right side has at 0 (LangChain's subtract_usage)", () => {
    expect(
      subtractUsage(
        { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_token_details: { cache_read: 3 } },
        {
          input_tokens: 4,
          output_tokens: 7,
          total_tokens: 11,
          input_token_details: { cache_read: 5, audio: 2 },
          output_token_details: { reasoning: 1 },
        },
      ),
    ).toEqual({
      input_tokens: 6,
      output_tokens: 0,
      total_tokens: 4,
      input_token_details: { cache_read: 0, audio: 0 },
      output_token_details: { reasoning: 0 },
    });
  });

  it("undoes addUsage: subtractUsage(addUsage(a, b), b) is a (b's extra keys at 0)", () => {
    fc.assert(
      fc.property(usage, usage, (a, b) => {
        const snapshotA = structuredClone(a);
        const snapshotB = structuredClone(b);
        expect(subtractUsage(addUsage(a, b), b)).toEqual(addUsage(a, zeroed(b)));
        expect(a).toEqual(snapshotA);
        expect(b).toEqual(snapshotB);
      }),
    );
  });

  it("accepts undefined", () => {
    expect(subtractUsage(undefined, { input_tokens: 1, output_tokens: 1, total_tokens: 2 })).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      total_tokens: 0,
    });
  });
});

describe("addUsage on hostile input", () => {
  it("ignores a __proto__ key instead of replacing the result's prototype", () => {
    const hostile = JSON.parse(
      '{"input_tokens":1,"output_tokens":1,"total_tokens":2,"__proto__":{"polluted":1}}',
    ) as UsageMetadata;
    const sum = addUsage(hostile, hostile);
    expect(Object.getPrototypeOf(sum)).toBe(Object.prototype);
    expect(sum).toEqual({ input_tokens: 2, output_tokens: 2, total_tokens: 4 });
  });
});
