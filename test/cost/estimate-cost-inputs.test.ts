import { readFileSync } from "node:fs";
import path from "node:path";
import { calcPrice, extractUsage, findProvider } from "@pydantic/genai-prices";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { getDefaultCostEstimator, setDefaultCostEstimator } from "../../callbacks/index.js";
import type { UsageMetadata } from "../../schemas/index.js";
import { clearUnpricedModels, estimateCost } from "../../src/cost/index.js";
import { normalizeResponse, type NormalizeOptions } from "../../src/providers/index.js";
import { chatResult, memoryTracer, named, scriptedClock } from "../support/tracing-helpers.js";

const fixtures = path.resolve(import.meta.dirname, "../../../shared/fixtures/providers");
const usage: UsageMetadata = { input_tokens: 1000, output_tokens: 100, total_tokens: 1100 };

function fixture(file: string): { raw: Record<string, unknown>; provider: string; model: string } {
  const parsed = JSON.parse(readFileSync(path.join(fixtures, file), "utf8")) as {
    raw: Record<string, unknown>;
    provider: string;
    expected_model_name: string;
  };
  return { raw: parsed.raw, provider: parsed.provider, model: parsed.expected_model_name };
}

afterEach(() => clearUnpricedModels());

// Fixture folders name providers as the fixtures' README says; runledger's names differ for two.
function providerName(folder: string): NormalizeOptions["provider"] {
  return (folder === "bedrock" ? "amazon_bedrock" : folder) as NormalizeOptions["provider"];
}

describe("estimateCost: arguments", () => {
  it.each([
    [undefined, /model must be a non-empty string, got undefined/],
    [null, /model must be a non-empty string, got null/],
    ["", /model must be a non-empty string, got string/],
    [42, /model must be a non-empty string, got number/],
  ])("rejects the model %s with a clear RunledgerError (invalid_argument)", (model, message) => {
    expect(() => estimateCost(model as unknown as string, usage)).toThrow(
      expect.objectContaining({ code: "invalid_argument", name: "RunledgerError" }),
    );
    expect(() => estimateCost(model as unknown as string, usage)).toThrow(message);
  });

  it.each([undefined, null, "1000 tokens", 7])("rejects the usage %s", (bad) => {
    expect(() => estimateCost("gpt-4o", bad as unknown as UsageMetadata)).toThrow(
      /usage must be a UsageMetadata object/,
    );
  });

  it("rejects options that are not an object and a time that is not one", () => {
    expect(() => estimateCost("gpt-4o", usage, null as never)).toThrow(/options must be an object/);
    expect(() => estimateCost("gpt-4o", usage, { at: "yesterday" })).toThrow(/options.at is not a valid time/);
    expect(() => estimateCost("gpt-4o", usage, { at: new Date(Number.NaN) })).toThrow(/options.at/);
  });
});

describe("estimateCost: raw provider usage objects are rejected, their normalized usage is priced", () => {
  it.each([
    ["openai/chat_completions_cached_reasoning.json", "prompt_tokens"],
    ["openai/responses_plain.json", "input_tokens_details"],
    ["anthropic/messages_cache_creation_read.json", "cache_creation_input_tokens"],
    ["google_genai/generate_content_thoughts_cached.json", "promptTokenCount"],
    ["bedrock/converse_cache_read.json", "inputTokens"],
  ])("%s", (file, key) => {
    const { raw, provider, model } = fixture(file);
    const rawUsage = (raw.usage ?? raw.usageMetadata) as UsageMetadata;
    expect(() => estimateCost(model, rawUsage)).toThrow(
      new RegExp(`raw provider usage object \\(it has "${key}"\\).*normalizeResponse`),
    );
    const normalized = normalizeResponse(raw, { provider: providerName(provider) });
    expect(normalized.usage_metadata).toBeDefined();
    expect(estimateCost(model, normalized.usage_metadata as UsageMetadata, { provider })?.total_cost).toBeGreaterThan(
      0,
    );
  });

  it("prices an Anthropic response as the source library does from the same raw payload", () => {
    const { raw, model } = fixture("anthropic/messages_cache_creation_read.json");
    const normalized = normalizeResponse(raw, { provider: "anthropic" }).usage_metadata as UsageMetadata;
    const anthropic = findProvider({ providerId: "anthropic" });
    if (anthropic === undefined) throw new Error("the source has no anthropic provider");
    const extracted = extractUsage(anthropic, raw);
    const theirs = calcPrice(extracted.usage, model, { provider: anthropic })?.total_price;
    expect(estimateCost(model, normalized)?.total_cost).toBeCloseTo(theirs ?? NaN, 12);
  });
});

describe("estimateCost: a cost the response reports wins", () => {
  it("returns the usage's own total_cost (e.g. OpenRouter's usage.cost), marked as reported", () => {
    const reported = { ...usage, input_cost: 0.0004, output_cost: 0.0002, total_cost: 0.0006 };
    expect(estimateCost("anthropic/claude-sonnet-4.5", reported, { provider: "openrouter" })).toEqual({
      input_cost: 0.0004,
      output_cost: 0.0002,
      total_cost: 0.0006,
      input_cost_details: {},
      output_cost_details: {},
      reported: true,
    });
    // Even for a model runledger has no price for.
    expect(estimateCost("some/private-model", { ...usage, total_cost: 0.01 } as UsageMetadata)?.total_cost).toBe(0.01);
  });

  it("keeps OpenRouter's usage.cost through normalizeResponse, and it wins over the estimate", () => {
    // The response shape of OpenRouter's usage accounting (openrouter.ai/docs/use-cases/usage-accounting).
    const raw = {
      id: "gen-1",
      object: "chat.completion",
      created: 1,
      model: "anthropic/claude-sonnet-4.5",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 100,
        total_tokens: 1100,
        cost: 0.0049,
        is_byok: false,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    };
    const normalized = normalizeResponse(raw, { provider: "openai" }).usage_metadata as UsageMetadata;
    expect(normalized.total_cost).toBe(0.0049);
    const cost = estimateCost(raw.model, normalized, { provider: "openrouter" });
    expect(cost).toMatchObject({ total_cost: 0.0049, reported: true });
    const { total_cost: _reported, ...withoutCost } = normalized;
    expect(estimateCost(raw.model, withoutCost, { provider: "openrouter" })?.reported).toBeUndefined();
  });

  it("ignores a total_cost that is not a non-negative number", () => {
    const estimate = estimateCost("gpt-4o", usage);
    expect(estimateCost("gpt-4o", { ...usage, total_cost: -1 } as UsageMetadata)).toEqual(estimate);
    expect(estimateCost("gpt-4o", { ...usage, total_cost: "0.1" } as unknown as UsageMetadata)).toEqual(estimate);
  });
});

describe("the tracer prices a run at its start time", () => {
  it("prices an o3 run started before OpenAI's June 2025 price cut at the old price", async () => {
    const previous = getDefaultCostEstimator();
    setDefaultCostEstimator(estimateCost);
    onTestFinished(() => setDefaultCostEstimator(previous));
    const M = 1_000_000;
    const big: UsageMetadata = { input_tokens: M, output_tokens: M, total_tokens: 2 * M };
    const startMicros = Date.parse("2025-05-01T00:00:00Z") * 1000;
    const { tracer, runs } = memoryTracer({ clock: scriptedClock(startMicros, startMicros + 1000).clock });
    tracer.handleChatModelStart(
      { lc: 1, type: "not_implemented", id: ["ChatOpenAI"] },
      [[]],
      "run-1",
      undefined,
      {
        invocation_params: { model: "o3" },
      },
      undefined,
      { ls_provider: "openai" },
      "model",
    );
    tracer.handleLLMEnd(chatResult({ usage: big, model: "o3-2025-04-16" }), "run-1");
    const run = named(await runs(), "model");
    const then = calcPrice({ input_tokens: M, output_tokens: M }, "o3", {
      providerId: "openai",
      timestamp: new Date("2025-05-01T00:00:00Z"),
    })?.total_price;
    const now = calcPrice({ input_tokens: M, output_tokens: M }, "o3", { providerId: "openai" })?.total_price;
    expect(then).not.toBeCloseTo(now ?? NaN, 3);
    expect(run.total_cost).toBeCloseTo(then ?? NaN, 9);
  });
});
