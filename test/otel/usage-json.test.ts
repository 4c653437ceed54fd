import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { UsageMetadata } from "../../schemas/index.js";
import { usageJson } from "../../src/otel/usage-json.js";

const same = (value: unknown): void => {
  expect(usageJson(value as UsageMetadata)).toBe(JSON.stringify(value));
};

describe("usageJson", () => {
  it("writes what JSON.stringify writes for usage records", () => {
    same({ input_tokens: 3, output_tokens: 1, total_tokens: 4 });
    same({
      input_tokens: 100,
      output_tokens: 20,
      total_tokens: 120,
      input_token_details: { cache_read: 80, cache_creation: 0, ephemeral_5m_input_tokens: 5 },
      output_token_details: { reasoning: 7, audio: 0 },
    });
    same({
      input_tokens: 0,
      output_tokens: 0,
      total_tokens: 0,
      input_token_details: {},
      output_token_details: { reasoning: undefined },
    });
  });

  it("escapes keys and keeps JSON's key order (integer-like keys first)", () => {
    same({
      input_tokens: 1,
      output_tokens: 1,
      total_tokens: 2,
      input_token_details: { 'we"ird\\key': 1, "2": 2, "1": 1, é: 3 },
    });
    same({ "10": 1, b: 2, "3": 3, a: 4 });
  });

  it("falls back to JSON.stringify for anything that is not counts", () => {
    same({ input_tokens: Number.NaN, output_tokens: 1, total_tokens: 1 });
    same({ input_tokens: 1, output_tokens: 1, total_tokens: 2, note: "text" });
    same({ input_tokens: 1, output_tokens: 1, total_tokens: 2, input_token_details: [1, 2] });
    same({ input_tokens: 1, output_tokens: 1, total_tokens: 2, input_token_details: { nested: { deeper: 1 } } });
    same({ input_tokens: 1, output_tokens: 1, total_tokens: 2, input_token_details: { toJSON: () => "custom" } });
    class Details {
      cache_read = 1;
      toJSON(): string {
        return "from class";
      }
    }
    same({ input_tokens: 1, output_tokens: 1, total_tokens: 2, input_token_details: new Details() });
    same({ input_tokens: -0, output_tokens: 1e21, total_tokens: 1.5 });
  });

  it("agrees with JSON.stringify on arbitrary count maps", () => {
    const counts = fc.dictionary(fc.string(), fc.oneof(fc.nat(), fc.double(), fc.constant(undefined)));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.nat(), counts)), (record) => {
        same(record);
      }),
    );
  });
});
