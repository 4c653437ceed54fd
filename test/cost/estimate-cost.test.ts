import { calcPrice } from "@pydantic/genai-prices";
import { afterEach, describe, expect, it } from "vitest";
import type { CostEstimator, UsageMetadata } from "../../schemas/index.js";
import {
  clearRegisteredPrices,
  clearUnpricedModels,
  estimateCost,
  getUnpricedModels,
  type ModelPriceInput,
  PriceTable,
  registerPrices,
} from "../../src/cost/index.js";

const M = 1_000_000;

function usage(input: number, output: number, extra: Partial<UsageMetadata> = {}): UsageMetadata {
  return { input_tokens: input, output_tokens: output, total_tokens: input + output, ...extra };
}

// Round prices make the expected sums easy to check by hand.
const table = new PriceTable([
  {
    model: "test-model",
    prices: {
      input: 10,
      cached_input: 1,
      cache_write: 12,
      cache_write_1h: 20,
      output: 40,
      reasoning: 50,
      audio_input: 100,
      audio_output: 200,
      long_context: { above_input_tokens: 1000, input: 20, output: 80 },
    },
  },
  { model: "plain-model", prices: { input: 2, output: 4 } },
]);

afterEach(() => {
  clearRegisteredPrices();
  clearUnpricedModels();
});

describe("estimateCost: built-in prices and model names", () => {
  // The reference is the source library's own calculation for the model's canonical name.
  const reference = (model: string, providerId: string, input: number, output: number, cacheRead = 0): number =>
    calcPrice({ input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead }, model, { providerId })
      ?.total_price ?? NaN;

  it("prices gpt-4o-mini under its dated name", () => {
    expect(estimateCost("gpt-4o-mini-2024-07-18", usage(8, 10))?.total_cost).toBeCloseTo(
      reference("gpt-4o-mini", "openai", 8, 10),
      15,
    );
  });

  it.each([
    "claude-sonnet-4-5-20250929",
    "claude-sonnet-4-5",
    "anthropic/claude-sonnet-4.5",
    "claude-sonnet-4-5@20250929",
  ])("resolves %s to Anthropic's claude-sonnet-4-5", (model) => {
    expect(estimateCost(model, usage(100_000, 100_000))?.total_cost).toBeCloseTo(
      reference("claude-sonnet-4-5", "anthropic", 100_000, 100_000),
      12,
    );
  });

  it.each(["anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"])(
    "resolves the Bedrock id %s to Bedrock's price",
    (model) => {
      expect(estimateCost(model, usage(100_000, 100_000))?.total_cost).toBeCloseTo(
        reference(model, "aws", 100_000, 100_000),
        12,
      );
    },
  );

  it("resolves Gemini, Fireworks and openai/ prefixed names", () => {
    expect(estimateCost("models/gemini-2.5-flash", usage(M, M))?.total_cost).toBeCloseTo(
      reference("gemini-2.5-flash", "google", M, M),
      10,
    );
    expect(estimateCost("openai/gpt-4o-mini", usage(M, 0))?.total_cost).toBeCloseTo(
      reference("gpt-4o-mini", "openai", M, 0),
      10,
    );
    expect(estimateCost("accounts/fireworks/models/gpt-oss-120b", usage(M, M))?.total_cost).toBeCloseTo(
      reference("accounts/fireworks/models/gpt-oss-120b", "fireworks", M, M),
      10,
    );
  });

  it("picks the provider's own price when several providers serve the model", () => {
    const cached = usage(M, 0, { input_token_details: { cache_read: M } });
    const fireworks = reference("accounts/fireworks/models/gpt-oss-120b", "fireworks", M, 0, M);
    const groq = reference("openai/gpt-oss-120b", "groq", M, 0, M);
    expect(fireworks).not.toBeCloseTo(groq, 6);
    expect(estimateCost("accounts/fireworks/models/gpt-oss-120b", cached)?.input_cost).toBeCloseTo(fireworks, 10);
    expect(estimateCost("openai/gpt-oss-120b", cached, { provider: "groq" })?.input_cost).toBeCloseTo(groq, 10);
    expect(estimateCost("gpt-oss-120b", cached, { provider: "fireworks" })?.input_cost).toBeCloseTo(fireworks, 10);
    // Azure resells OpenAI's models: its own price when it has one, else OpenAI's.
    expect(estimateCost("gpt-4o", usage(M, M), { provider: "azure" })?.total_cost).toBeCloseTo(
      reference("gpt-4o", "azure", M, M),
      10,
    );
  });

  it("returns undefined for an unknown model and lists it as unpriced", () => {
    expect(estimateCost("my-private-model-7b", usage(10, 10))).toBeUndefined();
    expect(estimateCost("another-unknown", usage(1, 1))).toBeUndefined();
    estimateCost("my-private-model-7b", usage(1, 1));
    expect(getUnpricedModels()).toEqual(["my-private-model-7b", "another-unknown"]);
    clearUnpricedModels();
    expect(getUnpricedModels()).toEqual([]);
  });

  it("is a CostEstimator", () => {
    const estimator: CostEstimator = estimateCost;
    expect(estimator("gpt-4o-mini", usage(M, 0))?.input_cost).toBeCloseTo(0.15, 10);
  });
});

describe("estimateCost: each token charged once", () => {
  it("charges cache reads at the cached price and only the rest at the input price", () => {
    const cost = estimateCost("test-model", usage(1000, 0, { input_token_details: { cache_read: 400 } }), {
      prices: table,
    });
    expect(cost?.input_cost_details).toEqual({ cache_read: (400 * 1) / M });
    expect(cost?.input_cost).toBeCloseTo((400 * 1 + 600 * 10) / M, 15);
  });

  it("charges cache writes at the write price, 1-hour writes at theirs", () => {
    const plain = estimateCost(
      "test-model",
      usage(1000, 0, { input_token_details: { cache_creation: 300, cache_read: 200 } }),
      {
        prices: table,
      },
    );
    expect(plain?.input_cost).toBeCloseTo((200 * 1 + 300 * 12 + 500 * 10) / M, 15);
    expect(plain?.input_cost_details).toEqual({ cache_read: (200 * 1) / M, cache_creation: (300 * 12) / M });

    // Anthropic's TTL breakdown: cache_creation is 0 and the ephemeral keys hold the writes.
    const ttl = estimateCost(
      "test-model",
      usage(1000, 0, {
        input_token_details: { cache_creation: 0, ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      }),
      { prices: table },
    );
    expect(ttl?.input_cost).toBeCloseTo((100 * 12 + 200 * 20 + 700 * 10) / M, 15);

    // Some normalizers keep cache_creation as the total as well: still counted once.
    const both = estimateCost(
      "test-model",
      usage(1000, 0, {
        input_token_details: { cache_creation: 300, ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      }),
      { prices: table },
    );
    expect(both?.input_cost).toBeCloseTo(ttl?.input_cost ?? Number.NaN, 15);
  });

  it("never charges more tokens than the side has, whatever the details claim", () => {
    const cost = estimateCost("test-model", usage(100, 10, { input_token_details: { cache_read: 500, audio: 50 } }), {
      prices: table,
    });
    expect(cost?.input_cost).toBeCloseTo((100 * 1) / M, 15); // all 100 as cache reads, no audio left
    expect(cost?.input_cost_details).toEqual({ cache_read: (100 * 1) / M });
  });

  it("prices reasoning and audio as parts of the output", () => {
    const cost = estimateCost("test-model", usage(0, 1000, { output_token_details: { reasoning: 600, audio: 100 } }), {
      prices: table,
    });
    expect(cost?.output_cost_details).toEqual({ reasoning: (600 * 50) / M, audio: (100 * 200) / M });
    expect(cost?.output_cost).toBeCloseTo((600 * 50 + 100 * 200 + 300 * 40) / M, 15);
  });

  it("prices audio input at the audio price", () => {
    const cost = estimateCost("test-model", usage(1000, 0, { input_token_details: { audio: 250 } }), { prices: table });
    expect(cost?.input_cost).toBeCloseTo((250 * 100 + 750 * 10) / M, 15);
  });

  it("falls back to the plain price for kinds the entry does not price", () => {
    const cost = estimateCost(
      "plain-model",
      usage(1000, 100, {
        input_token_details: { cache_read: 500, audio: 100 },
        output_token_details: { reasoning: 50 },
      }),
      { prices: table },
    );
    expect(cost?.total_cost).toBeCloseTo((1000 * 2 + 100 * 4) / M, 15);
    expect(cost?.input_cost_details).toEqual({ cache_read: (500 * 2) / M, audio: (100 * 2) / M });
  });

  it("switches every token to the long-prompt band above its threshold", () => {
    const at = estimateCost("test-model", usage(1000, 10), { prices: table });
    expect(at?.total_cost).toBeCloseTo((1000 * 10 + 10 * 40) / M, 15);
    const above = estimateCost("test-model", usage(1001, 10, { input_token_details: { cache_read: 1 } }), {
      prices: table,
    });
    // The band leaves cached_input out: it keeps its base price.
    expect(above?.total_cost).toBeCloseTo((1 * 1 + 1000 * 20 + 10 * 80) / M, 15);
  });

  it("treats invalid counts as zero", () => {
    const bad = { input_tokens: -5, output_tokens: Number.NaN, total_tokens: 0 } as UsageMetadata;
    expect(estimateCost("test-model", bad, { prices: table })?.total_cost).toBe(0);
  });
});

describe("estimateCost: user prices", () => {
  it("lets the prices option override and extend the built-in table", () => {
    const prices = [
      { model: "gpt-4o-mini", prices: { input: 1, output: 1 } },
      { model: "in-house-model", prices: { input: 3, output: 6 } },
    ];
    expect(estimateCost("gpt-4o-mini-2024-07-18", usage(M, 0), { prices })?.total_cost).toBeCloseTo(1, 10);
    expect(estimateCost("in-house-model", usage(M, M), { prices })?.total_cost).toBeCloseTo(9, 10);
    // Models the option does not cover still use the built-in prices.
    expect(estimateCost("claude-haiku-4-5", usage(M, 0), { prices })?.total_cost).toBeCloseTo(1, 10);
  });

  it("finds a registered price for an exact dated name before the base entry", () => {
    registerPrices([{ model: "gpt-4o-2024-05-13", provider: "openai", prices: { input: 5, output: 15 } }]);
    expect(estimateCost("gpt-4o-2024-05-13", usage(M, 0))?.total_cost).toBeCloseTo(5, 10);
    expect(estimateCost("gpt-4o-2024-08-06", usage(M, 0))?.total_cost).toBeCloseTo(2.5, 10);
  });

  it("registers prices globally until cleared; later registrations win", () => {
    registerPrices([{ model: "team-model", prices: { input: 1, output: 1 } }]);
    registerPrices([{ model: "team-model", prices: { input: 2, output: 2 } }]);
    expect(estimateCost("team-model", usage(M, 0))?.total_cost).toBeCloseTo(2, 10);
    clearRegisteredPrices();
    expect(estimateCost("team-model", usage(M, 0))).toBeUndefined();
  });

  it("rejects invalid price records with a message naming the problem", () => {
    expect(() => registerPrices([{ model: "x", prices: { input: -1, output: 1 } }])).toThrow(/index 0: prices\.input/);
    expect(() => registerPrices([{ model: "", prices: { input: 1, output: 1 } }])).toThrow(
      expect.objectContaining({ code: "invalid_argument" }),
    );
    // Typed callers cannot write this; untyped (JavaScript) callers can, and get a clear error.
    const untyped = [{ model: "x", prices: { input: 1 } }] as unknown as ModelPriceInput[];
    expect(() => estimateCost("x", usage(1, 1), { prices: untyped })).toThrow(/prices\.output/);
  });
});
