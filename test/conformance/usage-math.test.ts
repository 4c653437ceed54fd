// Cases ported from LangChain (Python) libs/core/tests/unit_tests/messages/test_ai.py (add_usage,
// subtract_usage, add_ai_message_chunks) and the examples in langchain_core/messages/ai.py's
// docstrings; and from @langchain/core's mergeUsageMetadata (messages/metadata.ts), run as the oracle.
import { AIMessageChunk, mergeUsageMetadata } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addUsage, subtractUsage, type UsageMetadata } from "../../schemas/index.js";

const u = (input_tokens: number, output_tokens: number, total_tokens: number): UsageMetadata => ({
  input_tokens,
  output_tokens,
  total_tokens,
});

describe("langchain libs/core/tests/unit_tests/messages/test_ai.py", () => {
  it("test_add_usage_both_none", () => {
    expect(addUsage(undefined, undefined)).toEqual(u(0, 0, 0));
  });
  it("test_add_usage_one_none", () => {
    expect(addUsage(u(10, 20, 30), undefined)).toEqual(u(10, 20, 30));
  });
  it("test_add_usage_both_present", () => {
    expect(addUsage(u(10, 20, 30), u(5, 10, 15))).toEqual(u(15, 30, 45));
  });
  it("test_add_usage_with_details", () => {
    const result = addUsage(
      { ...u(10, 20, 30), input_token_details: { audio: 5 }, output_token_details: { reasoning: 10 } },
      { ...u(5, 10, 15), input_token_details: { audio: 3 }, output_token_details: { reasoning: 5 } },
    );
    expect(result.input_token_details?.audio).toBe(8);
    expect(result.output_token_details?.reasoning).toBe(15);
  });
  it("test_subtract_usage_both_none", () => {
    expect(subtractUsage(undefined, undefined)).toEqual(u(0, 0, 0));
  });
  it("test_subtract_usage_one_none", () => {
    expect(subtractUsage(u(10, 20, 30), undefined)).toEqual(u(10, 20, 30));
  });
  it("test_subtract_usage_both_present", () => {
    expect(subtractUsage(u(10, 20, 30), u(5, 10, 15))).toEqual(u(5, 10, 15));
  });
  it("test_subtract_usage_with_negative_result", () => {
    expect(subtractUsage(u(5, 10, 15), u(10, 20, 30))).toEqual(u(0, 0, 0));
  });
  it("test_add_ai_message_chunks_usage: chunks' usage adds up, a chunk without usage adds nothing", () => {
    const chunks: (UsageMetadata | undefined)[] = [
      undefined,
      u(2, 3, 5),
      {
        ...u(2, 3, 5),
        input_token_details: { audio: 1, cache_read: 1 },
        output_token_details: { audio: 1, reasoning: 2 },
      },
    ];
    const expected = {
      ...u(4, 6, 10),
      input_token_details: { audio: 1, cache_read: 1 },
      output_token_details: { audio: 1, reasoning: 2 },
    };
    expect(chunks.reduce<UsageMetadata | undefined>((sum, usage) => addUsage(sum, usage), undefined)).toEqual(expected);
    // LangChain.js's own chunk concatenation agrees.
    const merged = chunks
      .map((usage) => new AIMessageChunk({ content: "", ...(usage === undefined ? {} : { usage_metadata: usage }) }))
      .reduce((a, b) => a.concat(b));
    expect(merged.usage_metadata).toEqual(expected);
  });
  it("subtract_usage(None, right) returns right in LangChain; runledger: nothing minus right is all zeros", () => {
    expect(subtractUsage(undefined, u(1, 1, 2))).toEqual(u(0, 0, 0));
  });
});

describe("langchain langchain_core/messages/ai.py docstring examples", () => {
  it("add_usage: cache_read on the left, reasoning on the right", () => {
    expect(
      addUsage(
        { ...u(5, 0, 5), input_token_details: { cache_read: 3 } },
        { ...u(0, 10, 10), output_token_details: { reasoning: 4 } },
      ),
    ).toEqual({ ...u(5, 10, 15), input_token_details: { cache_read: 3 }, output_token_details: { reasoning: 4 } });
  });
  it("subtract_usage: a detail key only the right side has is kept at 0", () => {
    expect(
      subtractUsage(
        { ...u(5, 10, 15), input_token_details: { cache_read: 4 } },
        { ...u(3, 8, 11), output_token_details: { reasoning: 4 } },
      ),
    ).toEqual({ ...u(2, 2, 4), input_token_details: { cache_read: 4 }, output_token_details: { reasoning: 0 } });
  });
});

/** LangChain.js writes empty detail maps; runledger leaves them out. Compare without them. */
function withoutEmptyDetails(usage: UsageMetadata): UsageMetadata {
  const copy: Record<string, unknown> = { ...usage };
  for (const key of ["input_token_details", "output_token_details"]) {
    const details = copy[key];
    if (typeof details === "object" && details !== null && Object.keys(details).length === 0) delete copy[key];
  }
  return copy as unknown as UsageMetadata;
}

const count = fc.integer({ min: 0, max: 1_000_000 });
const inputDetails = fc.record(
  { audio: count, image: count, video: count, document: count, text: count, cache_read: count, cache_creation: count },
  { requiredKeys: [] },
);
const outputDetails = fc.record(
  { audio: count, image: count, video: count, document: count, text: count, reasoning: count },
  { requiredKeys: [] },
);
const knownUsage: fc.Arbitrary<UsageMetadata> = fc.record(
  {
    input_tokens: count,
    output_tokens: count,
    total_tokens: count,
    input_token_details: inputDetails,
    output_token_details: outputDetails,
  },
  { requiredKeys: ["input_tokens", "output_tokens", "total_tokens"] },
);

describe("@langchain/core messages/metadata.ts mergeUsageMetadata (the oracle)", () => {
  it("addUsage equals mergeUsageMetadata for any usage with LangChain.js's known detail keys", () => {
    fc.assert(
      fc.property(knownUsage, knownUsage, (a, b) => {
        expect(addUsage(a, b)).toEqual(withoutEmptyDetails(mergeUsageMetadata(a, b) as UsageMetadata));
      }),
    );
  });
  it.each(["audio", "image", "video", "document", "text", "cache_read", "cache_creation"])(
    "input_token_details.%s is summed as LangChain.js sums it",
    (key) => {
      const a = { ...u(1, 1, 2), input_token_details: { [key]: 2 } };
      const b = { ...u(3, 1, 4), input_token_details: { [key]: 5 } };
      expect(addUsage(a, b)).toEqual(withoutEmptyDetails(mergeUsageMetadata(a, b) as UsageMetadata));
    },
  );
  it.each(["audio", "image", "video", "document", "text", "reasoning"])(
    "output_token_details.%s is summed as LangChain.js sums it",
    (key) => {
      const a = { ...u(1, 1, 2), output_token_details: { [key]: 2 } };
      const b = { ...u(3, 1, 4), output_token_details: { [key]: 5 } };
      expect(addUsage(a, b)).toEqual(withoutEmptyDetails(mergeUsageMetadata(a, b) as UsageMetadata));
    },
  );
  it("undefined on either side counts as zero, as in LangChain.js", () => {
    expect(addUsage(undefined, u(1, 2, 3))).toEqual(withoutEmptyDetails(mergeUsageMetadata(undefined, u(1, 2, 3))));
    expect(addUsage(u(1, 2, 3), undefined)).toEqual(withoutEmptyDetails(mergeUsageMetadata(u(1, 2, 3), undefined)));
  });
  it("an unknown detail key: LangChain.js drops it, runledger keeps it (a documented difference)", () => {
    const a = { ...u(1, 1, 2), input_token_details: { ephemeral_5m_input_tokens: 2 } } as UsageMetadata;
    expect(mergeUsageMetadata(a, a).input_token_details).toEqual({});
    expect(addUsage(a, a).input_token_details).toEqual({ ephemeral_5m_input_tokens: 4 });
  });
});
