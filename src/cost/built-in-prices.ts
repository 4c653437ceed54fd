import { PRICE_DATA, PRICE_SOURCE } from "./generated-prices.js";
import { PROVIDER_IDS } from "./price-overrides.js";
import type { PricePeriod, Rates, TieredRates } from "./price-rates.js";

/** A model's prices as one provider charges them. */
export interface PricedModel {
  /** The source's provider id (`openai`, `aws`, `google`, `azure`, `groq`, …). */
  readonly provider: string;
  /** The source's model id. */
  readonly model: string;
  /** Prices over time, oldest first (most models have one period). */
  readonly periods: readonly PricePeriod[];
}

interface SourceData {
  providers: {
    id: string;
    fallback: string[];
    models: [id: string, keys: string[], prices: SourcePrices, hostKeys: string[]][];
  }[];
  home: Record<string, string>;
}
type SourcePrice = number | { base: number; tiers: { start: number; price: number }[] };
type SourceRates = Record<string, SourcePrice>;
type SourceConstraint = { start_date: string } | { start_time: string; end_time: string } | null;
type SourcePrices = SourceRates | [SourceConstraint, SourceRates][];

// The source's price keys → ours. Others (e.g. cached audio reads) have no usage key to price.
const RATE_KEYS: Readonly<Record<string, keyof Rates>> = {
  input_mtok: "input",
  output_mtok: "output",
  cache_read_mtok: "cacheRead",
  cache_write_mtok: "cacheWrite",
  cache_write_1h_mtok: "cacheWrite1h",
  input_audio_mtok: "inputAudio",
  output_audio_mtok: "outputAudio",
  output_reasoning_mtok: "outputReasoning",
};

interface Index {
  byKey: Map<string, PricedModel[]>;
  /** Names only the provider's own (a Bedrock id's model part): found when that provider is asked for. */
  byHostKey: Map<string, PricedModel[]>;
  fallbacks: Map<string, readonly string[]>;
  /** The maker of the model a name names (the source's provider for the bare name). */
  homes: Map<string, string>;
  models: PricedModel[];
}

let index: Index | undefined;

/** A built-in price: one model as one provider charges it, over time. */
export type BuiltInPrice = PricedModel;

/** The maintained source the built-in prices are generated from (`npm run prices:update`). */
export interface PriceSource {
  readonly name: string;
  readonly version: string;
  /** The day the table was generated (YYYY-MM-DD). */
  readonly generated: string;
}

/**
 * The built-in prices, one entry per provider and model (parsed on first use).
 *
 * @example
 * const bedrock = getBuiltInPrices().filter((price) => price.provider === "aws").length;
 */
export function getBuiltInPrices(): readonly BuiltInPrice[] {
  return loadIndex().models;
}

/**
 * Where the built-in prices come from.
 *
 * @example
 * getPriceSource(); // → { name: "@pydantic/genai-prices", version: "0.1.8", generated: "2026-12-06" }
 */
export function getPriceSource(): PriceSource {
  return PRICE_SOURCE;
}

/** The source's provider id for a provider name (`amazon_bedrock` → `aws`), lower-cased. */
export function sourceProviderId(provider: string): string {
  const name = provider.trim().toLowerCase();
  return PROVIDER_IDS[name] ?? name;
}

/**
 * The built-in price of a model under any of `candidates` (most specific first): the `provider`'s own
 * (or a provider it resells, e.g. Azure → OpenAI), else the model maker's, else any provider's.
 */
export function lookupBuiltIn(candidates: readonly string[], provider: string | undefined): PricedModel | undefined {
  const { byKey, byHostKey, fallbacks, homes } = loadIndex();
  // No provider named: the model's maker, as the source picks it for the name (its `model_match` rules).
  provider ??= candidates.map((candidate) => homes.get(candidate)).find((home) => home !== undefined);
  if (provider !== undefined) {
    const wanted = [provider, ...(fallbacks.get(provider) ?? [])];
    for (const id of wanted) {
      for (const candidate of candidates) {
        const found =
          byKey.get(candidate)?.find((model) => model.provider === id) ??
          byHostKey.get(candidate)?.find((model) => model.provider === id);
        if (found) return found;
      }
    }
  }
  for (const candidate of candidates) {
    const found = byKey.get(candidate)?.[0];
    if (found) return found;
  }
  return undefined;
}

function loadIndex(): Index {
  if (index) return index;
  const data = JSON.parse(PRICE_DATA) as SourceData;
  const byKey = new Map<string, PricedModel[]>();
  const byHostKey = new Map<string, PricedModel[]>();
  const fallbacks = new Map<string, readonly string[]>();
  const models: PricedModel[] = [];
  for (const provider of data.providers) {
    fallbacks.set(provider.id, provider.fallback);
    for (const [id, keys, prices, hostKeys] of provider.models) {
      const model = new SourceModel(provider.id, id, prices);
      models.push(model);
      for (const key of keys) add(byKey, key, model);
      for (const key of hostKeys) add(byHostKey, key, model);
    }
  }
  index = { byKey, byHostKey, fallbacks, homes: new Map(Object.entries(data.home)), models };
  return index;
}

/** A source model whose prices are compiled on first use: most of the table is never asked for. */
class SourceModel implements PricedModel {
  private compiled: readonly PricePeriod[] | undefined;

  constructor(
    readonly provider: string,
    readonly model: string,
    private readonly source: SourcePrices,
  ) {}

  get periods(): readonly PricePeriod[] {
    return (this.compiled ??= compilePeriods(this.source));
  }
}

// A provider's first model for a name wins, as in the source's first-match rule.
function add(map: Map<string, PricedModel[]>, key: string, model: PricedModel): void {
  const list = map.get(key);
  if (!list) map.set(key, [model]);
  else if (!list.some((other) => other.provider === model.provider)) list.push(model);
}

function compilePeriods(prices: SourcePrices): PricePeriod[] {
  if (!Array.isArray(prices)) return [{ from: -Infinity, rates: compileTiers(prices) }];
  return prices.map(([constraint, rates]) => {
    const tiered = compileTiers(rates);
    if (constraint === null) return { from: -Infinity, rates: tiered };
    if ("start_date" in constraint) return { from: Date.parse(constraint.start_date), rates: tiered };
    return {
      from: -Infinity,
      window: [secondsOfDay(constraint.start_time), secondsOfDay(constraint.end_time)],
      rates: tiered,
    };
  });
}

/** Per-key tiered prices → one full set of rates per prompt-size threshold. */
function compileTiers(source: SourceRates): TieredRates {
  const thresholds = new Set<number>();
  for (const value of Object.values(source)) {
    if (typeof value === "object") value.tiers.forEach((tier) => thresholds.add(tier.start));
  }
  const at = (above: number): Rates => {
    const rates: Record<string, number> = { input: 0, output: 0 };
    for (const [key, value] of Object.entries(source)) {
      const ours = RATE_KEYS[key];
      if (ours === undefined) continue;
      if (typeof value === "number") rates[ours] = value;
      else {
        let price = value.base;
        for (const tier of value.tiers) if (above >= tier.start) price = tier.price;
        rates[ours] = price;
      }
    }
    return rates as unknown as Rates;
  };
  const sorted = [...thresholds].sort((a, b) => a - b);
  return { base: at(-1), tiers: sorted.map((above) => ({ above, rates: at(above) })) };
}

// `HH:MM:SS[.fff](Z|±HH:MM)` → seconds after UTC midnight.
function secondsOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (!match) return 0;
  const local = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  const offset = match[4] === "Z" ? 0 : (match[5] === "-" ? -1 : 1) * (Number(match[6]) * 3600 + Number(match[7]) * 60);
  return (local - offset + 86_400) % 86_400;
}
