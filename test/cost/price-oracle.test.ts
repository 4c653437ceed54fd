import { calcPrice, type Provider, type Usage } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import type { UsageMetadata } from "../../schemas/index.js";
import { estimateCost } from "../../src/cost/index.js";
import { SERVICE_TIERS } from "../../src/cost/price-overrides.js";

// The oracle is the source library's own calculation (`calcPrice`) over a matrix of models × usage
// shapes: runledger's estimator must agree within 0.1% on every cell.
const TOLERANCE = 1e-3;

interface Model {
  name: string;
  /** runledger's provider name, passed as `{ provider }`. */
  provider?: string;
  /** The source's provider id for `calcPrice`. */
  sourceId: string;
}

const MODELS: Model[] = [
  { name: "gpt-4o-2024-08-06", provider: "openai", sourceId: "openai" },
  { name: "gpt-5", sourceId: "openai" },
  { name: "gpt-4.1-mini-2025-04-14", sourceId: "openai" },
  { name: "o3-2025-04-16", sourceId: "openai" },
  { name: "gpt-5.4", sourceId: "openai" },
  { name: "gpt-4o-realtime-preview", sourceId: "openai" },
  { name: "claude-sonnet-4-5-20250929", sourceId: "anthropic" },
  { name: "claude-3-5-haiku-20241022", provider: "anthropic", sourceId: "anthropic" },
  { name: "claude-opus-4-1-20250805", sourceId: "anthropic" },
  { name: "gemini-2.5-pro", provider: "google_genai", sourceId: "google" },
  { name: "gemini-2.5-flash", provider: "google_vertexai", sourceId: "google" },
  { name: "anthropic.claude-3-5-sonnet-20240620-v1:0", provider: "amazon_bedrock", sourceId: "aws" },
  { name: "gpt-4o", provider: "azure", sourceId: "azure" },
  { name: "llama-3.3-70b-versatile", provider: "groq", sourceId: "groq" },
  { name: "mistral-large-latest", provider: "mistralai", sourceId: "mistral" },
  { name: "deepseek-chat", provider: "deepseek", sourceId: "deepseek" },
  { name: "grok-4", provider: "xai", sourceId: "x-ai" },
  { name: "anthropic/claude-sonnet-4.5", provider: "openrouter", sourceId: "openrouter" },
];

function usage(input: number, output: number, extra: Partial<UsageMetadata> = {}): UsageMetadata {
  return { input_tokens: input, output_tokens: output, total_tokens: input + output, ...extra };
}

const SHAPES: { name: string; usage: UsageMetadata; at?: Date }[] = [
  { name: "plain", usage: usage(1200, 300) },
  { name: "cache read", usage: usage(10_000, 500, { input_token_details: { cache_read: 9000 } }) },
  {
    name: "cache write 5m and 1h (Anthropic TTL keys)",
    usage: usage(8000, 400, {
      input_token_details: {
        cache_read: 2000,
        cache_creation: 0,
        ephemeral_5m_input_tokens: 1500,
        ephemeral_1h_input_tokens: 2500,
      },
    }),
  },
  { name: "cache write (no TTL)", usage: usage(5000, 100, { input_token_details: { cache_creation: 3000 } }) },
  {
    name: "long prompt",
    usage: usage(400_000, 2000, { input_token_details: { cache_read: 100_000 } }),
  },
  { name: "reasoning", usage: usage(3000, 5000, { output_token_details: { reasoning: 4000 } }) },
  {
    name: "audio",
    usage: usage(3000, 900, { input_token_details: { audio: 1000 }, output_token_details: { audio: 600 } }),
  },
  {
    name: "a past date",
    usage: usage(20_000, 4000, { input_token_details: { cache_read: 5000 } }),
    at: new Date("2025-03-01T00:00:00Z"),
  },
  { name: "off-peak hour", usage: usage(20_000, 4000), at: new Date("2025-09-01T17:30:00Z") },
];

/** The same usage in the source library's keys (cache reads and writes are parts of input_tokens in both). */
function sourceUsage(value: UsageMetadata): Usage {
  const input = value.input_token_details ?? {};
  const output = value.output_token_details ?? {};
  const ttl = (input.ephemeral_5m_input_tokens ?? 0) + (input.ephemeral_1h_input_tokens ?? 0);
  return {
    input_tokens: value.input_tokens,
    cache_read_tokens: input.cache_read ?? 0,
    cache_write_tokens: Math.max(input.cache_creation ?? 0, ttl),
    cache_write_1h_tokens: input.ephemeral_1h_input_tokens ?? 0,
    input_audio_tokens: input.audio ?? 0,
    output_tokens: value.output_tokens,
    output_audio_tokens: output.audio ?? 0,
    output_reasoning_tokens: output.reasoning ?? 0,
  };
}

function agree(ours: number, theirs: number): boolean {
  return Math.abs(ours - theirs) <= TOLERANCE * Math.max(Math.abs(theirs), 1e-12);
}

describe("estimateCost agrees with @pydantic/genai-prices' calcPrice", () => {
  const timestamp = new Date("2026-06-01T12:00:00Z");
  const cells = MODELS.flatMap((model) => SHAPES.map((shape) => ({ model, shape })));

  it.each(cells.map((cell) => [`${cell.model.name} × ${cell.shape.name}`, cell] as const))("%s", (_name, cell) => {
    const { model, shape } = cell;
    const at = shape.at ?? timestamp;
    const theirs = calcPrice(sourceUsage(shape.usage), model.name, { providerId: model.sourceId, timestamp: at });
    expect(theirs, "the source prices the model").not.toBeNull();
    const ours = estimateCost(model.name, shape.usage, { at, ...(model.provider ? { provider: model.provider } : {}) });
    expect(ours, "runledger prices the model").toBeDefined();
    const expected = {
      input: theirs?.input_price ?? NaN,
      output: theirs?.output_price ?? NaN,
      total: theirs?.total_price ?? NaN,
    };
    const actual = { input: ours?.input_cost ?? NaN, output: ours?.output_cost ?? NaN, total: ours?.total_cost ?? NaN };
    expect(
      agree(actual.input, expected.input) &&
        agree(actual.output, expected.output) &&
        agree(actual.total, expected.total),
      JSON.stringify({ actual, expected }),
    ).toBe(true);
  });

  it("prices by date: o3 before and after its June 2025 price cut, as the source does", () => {
    const shape = usage(1_000_000, 1_000_000);
    for (const at of [new Date("2025-05-01T00:00:00Z"), new Date("2025-07-01T00:00:00Z")]) {
      const theirs = calcPrice(sourceUsage(shape), "o3", { providerId: "openai", timestamp: at })?.total_price ?? NaN;
      expect(estimateCost("o3", shape, { at })?.total_cost).toBeCloseTo(theirs, 9);
      expect(estimateCost("o3", shape, { at: at.getTime() })?.total_cost).toBeCloseTo(theirs, 9);
    }
    expect(estimateCost("o3", shape, { at: "2025-05-01T00:00:00Z" })?.total_cost).not.toBeCloseTo(
      estimateCost("o3", shape, { at: "2025-07-01T00:00:00Z" })?.total_cost ?? NaN,
      3,
    );
  });
});

describe("OpenAI service tiers (prices the source lacks: price-overrides.ts)", () => {
  const rule = SERVICE_TIERS.find((candidate) => candidate.provider === "openai");
  // Usage as runledger's OpenAI normalizer gives it for a tier: prefixed cache and reasoning keys, the
  // tier key holding the rest (provider fixtures' README).
  const tiered = (tier: string): UsageMetadata =>
    usage(10_000, 3000, {
      input_token_details: { [tier]: 4000, [`${tier}_cache_read`]: 6000 },
      output_token_details: { [tier]: 1000, [`${tier}_reasoning`]: 2000 },
    });
  const standard = usage(10_000, 3000, {
    input_token_details: { cache_read: 6000 },
    output_token_details: { reasoning: 2000 },
  });

  it.each(["flex", "batch"])(
    "%s costs half the standard price of every token kind (OpenAI's published rule)",
    (tier) => {
      for (const model of ["gpt-5", "o3", "gpt-4.1-mini", "gpt-5.4"]) {
        const full = calcPrice(sourceUsage(standard), model, { providerId: "openai" })?.total_price ?? NaN;
        expect(estimateCost(model, tiered(tier))?.total_cost).toBeCloseTo(full / 2, 12);
      }
    },
  );

  it("priority is priced from the model's published priority prices, with the source's own arithmetic", () => {
    const priority = rule?.tiers.priority ?? {};
    expect(Object.keys(priority).length).toBeGreaterThan(5);
    for (const [model, price] of Object.entries(priority)) {
      if ("scale" in price) continue;
      const provider: Provider = {
        id: "priority",
        name: "OpenAI priority",
        api_pattern: "",
        models: [
          {
            id: model,
            match: { equals: model },
            prices: {
              input_mtok: price.input,
              output_mtok: price.output,
              ...(price.cache_read === undefined ? {} : { cache_read_mtok: price.cache_read }),
            },
          },
        ],
      };
      const theirs = calcPrice(sourceUsage(standard), model, { provider })?.total_price ?? NaN;
      expect(estimateCost(model, tiered("priority"), { provider: "openai" })?.total_cost, model).toBeCloseTo(
        theirs,
        12,
      );
    }
  });

  it("standard usage of the same call costs the standard price", () => {
    const full = calcPrice(sourceUsage(standard), "gpt-5", { providerId: "openai" })?.total_price ?? NaN;
    expect(estimateCost("gpt-5", standard)?.total_cost).toBeCloseTo(full, 12);
    expect(estimateCost("gpt-5", tiered("priority"))?.total_cost).toBeGreaterThan(full * 1.9);
  });
});
