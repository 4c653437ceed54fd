import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getBuiltInPrices, normalizeModelName, PriceFileSchema } from "../../src/cost/index.js";

const file = path.resolve(import.meta.dirname, "../../src/cost/prices.json");
const raw: unknown = JSON.parse(readFileSync(file, "utf8"));

describe("prices.json", () => {
  it("validates, and every entry has a check date and https sources", () => {
    const parsed = PriceFileSchema.parse(raw);
    for (const entry of parsed.models) {
      expect(entry.checked, entry.model).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Date.parse(entry.checked), entry.model).not.toBeNaN();
      expect(entry.sources.length, entry.model).toBeGreaterThan(0);
      for (const source of entry.sources) expect(new URL(source).protocol).toBe("https:");
    }
  });

  it("covers every provider the issue lists", () => {
    const providers = new Set(PriceFileSchema.parse(raw).models.map((entry) => entry.provider));
    for (const provider of [
      "openai",
      "anthropic",
      "google_genai",
      "amazon_bedrock",
      "mistralai",
      "groq",
      "fireworks",
      "together",
    ]) {
      expect(providers, provider).toContain(provider);
    }
  });

  it("has no two entries of one provider answering to the same name", () => {
    const seen = new Map<string, string>();
    for (const entry of PriceFileSchema.parse(raw).models) {
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        const key = `${entry.provider}:${normalizeModelName(name).candidates[0]}`;
        expect(seen.get(key), key).toBeUndefined();
        seen.set(key, entry.model);
      }
    }
  });

  it("is what the package loads at runtime", () => {
    expect(getBuiltInPrices()).toEqual(PriceFileSchema.parse(raw).models);
  });

  it("keeps cheaper-or-equal cache reads and long-prompt bands above their threshold only", () => {
    for (const { model, prices } of PriceFileSchema.parse(raw).models) {
      if (prices.cached_input !== undefined) expect(prices.cached_input, model).toBeLessThanOrEqual(prices.input);
      if (prices.long_context?.input !== undefined) {
        expect(prices.long_context.input, model).toBeGreaterThanOrEqual(prices.input);
      }
    }
  });
});
