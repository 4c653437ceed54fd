import { describeIssues } from "../shared/describe-issues.js";
import type { PricedModel } from "./built-in-prices.js";
import { normalizeModelName } from "./model-name.js";
import { ModelPriceSchema, type ModelPrice, type ModelPrices } from "./price-schema.js";
import type { Rates, TieredRates } from "./price-rates.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";

/**
 * Model prices given by a user, indexed by normalized name. When several providers price the same
 * model (e.g. `gpt-oss-120b` on Groq and Fireworks), the caller's provider picks one; without a
 * provider, or when that provider has no entry of its own, the first entry listed wins.
 *
 * @example
 * const table = new PriceTable([{ model: "my-model", prices: { input: 1, output: 2 } }]);
 * table.lookup("my-model-2026-01-01")?.periods[0]?.rates.base.output; // → 2
 */
export class PriceTable {
  private readonly byName = new Map<string, PricedModel[]>();
  private readonly _entries: readonly ModelPrice[];

  constructor(entries: readonly ModelPrice[]) {
    this._entries = entries;
    for (const entry of entries) {
      const priced = toPricedModel(entry);
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        // Keys go through the same normalization as lookups, minus suffix stripping, so an entry
        // written as `openai/gpt-4o` or `GPT-4o` still matches.
        const key = normalizeModelName(name).candidates[0] ?? name;
        const list = this.byName.get(key);
        if (list) list.push(priced);
        else this.byName.set(key, [priced]);
      }
    }
  }

  /** The entries, in the order given. */
  get entries(): readonly ModelPrice[] {
    return this._entries;
  }

  /** The price of `model` (any spelling `normalizeModelName` understands), or undefined. */
  lookup(model: string, provider?: string): PricedModel | undefined {
    const name = normalizeModelName(model);
    const wanted = provider ?? name.provider;
    for (const candidate of name.candidates) {
      const entries = this.byName.get(candidate);
      if (entries?.[0]) return entries.find((entry) => entry.provider === wanted) ?? entries[0];
    }
    return undefined;
  }

  /**
   * Builds a table from untrusted price records, validating each one.
   * Throws a `RunledgerError` (`invalid_argument`) naming the first invalid record and the problem.
   */
  static from(records: readonly unknown[]): PriceTable {
    if (!Array.isArray(records))
      throw new RunledgerError("invalid_argument", "prices must be an array of price records");
    const entries = records.map((record: unknown, index) => {
      const parsed = ModelPriceSchema.safeParse(record);
      if (!parsed.success) {
        throw new RunledgerError(
          "invalid_argument",
          `invalid price at index ${index}: ${describeIssues(parsed.error.issues)}`,
        );
      }
      return parsed.data;
    });
    return new PriceTable(entries);
  }
}

function toPricedModel(entry: ModelPrice): PricedModel {
  const base = toRates(entry.prices);
  const band = entry.prices.long_context;
  const rates: TieredRates = band
    ? {
        base,
        tiers: [{ above: band.above_input_tokens, rates: { ...base, ...toRates({ ...entry.prices, ...band }) } }],
      }
    : { base, tiers: [] };
  return { provider: entry.provider ?? "", model: entry.model, periods: [{ from: -Infinity, rates }] };
}

function toRates(prices: Omit<ModelPrices, "long_context">): Rates {
  const rates: { -readonly [K in keyof Rates]: Rates[K] } = { input: prices.input, output: prices.output };
  if (prices.cached_input !== undefined) rates.cacheRead = prices.cached_input;
  if (prices.cache_write !== undefined) rates.cacheWrite = prices.cache_write;
  if (prices.cache_write_1h !== undefined) rates.cacheWrite1h = prices.cache_write_1h;
  if (prices.audio_input !== undefined) rates.inputAudio = prices.audio_input;
  if (prices.audio_output !== undefined) rates.outputAudio = prices.audio_output;
  if (prices.reasoning !== undefined) rates.outputReasoning = prices.reasoning;
  return rates;
}
