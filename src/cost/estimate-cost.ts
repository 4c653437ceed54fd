import type { CostEstimate, UsageMetadata } from "../../schemas/index.js";
import { isTokenCount } from "../../schemas/usage-parse.js";
import { registeredPriceTable } from "./price-registry.js";
import { builtInPriceTable, PriceTable } from "./price-table.js";
import { TokenPricesSchema, type ModelPrices, type TokenPrices } from "./price-schema.js";
import { recordUnpricedModel } from "./unpriced-models.js";

/** Options of `estimateCost`. */
export interface EstimateCostOptions {
  /**
   * Prices that take precedence over registered and built-in ones: a `PriceTable` or price
   * records (validated; an invalid record throws a `TypeError`).
   */
  prices?: PriceTable | readonly unknown[];
  /** The provider that served the call (`ls_provider` names: `openai`, `groq`, …). */
  provider?: string;
}

const MILLION = 1_000_000;
const PRICE_KEYS = Object.keys(TokenPricesSchema.shape) as (keyof TokenPrices)[];
// Tables built from the `prices` option, kept per array so repeated calls do not re-validate.
const optionTables = new WeakMap<readonly unknown[], PriceTable>();

/**
 * Estimates the USD cost of one model call's usage. Each token is charged once: cache reads at
 * the cached-input price, cache writes at the write price (1-hour writes at their own), audio at
 * the audio price, the rest of the input at the input price; reasoning and audio output are parts
 * of the output. A price the model's entry lacks falls back to the plain input (output) price.
 * Invalid counts are treated as 0. Returns undefined, and records the name (see
 * `getUnpricedModels`), when the model has no price.
 *
 * Usable as a `CostEstimator`: `setDefaultCostEstimator(estimateCost)`.
 *
 * @example
 * estimateCost("gpt-4o-mini-2024-07-18", {
 *   input_tokens: 1000, output_tokens: 200, total_tokens: 1200,
 *   input_token_details: { cache_read: 400 },
 * });
 * // → { input_cost: 0.00012, output_cost: 0.00012, total_cost: 0.00024,
 * //     input_cost_details: { cache_read: 0.00003 }, output_cost_details: {} }
 */
export function estimateCost(
  model: string,
  usage: UsageMetadata,
  options: EstimateCostOptions = {},
): CostEstimate | undefined {
  const entry =
    optionTable(options.prices)?.lookup(model, options.provider) ??
    registeredPriceTable()?.lookup(model, options.provider) ??
    builtInPriceTable().lookup(model, options.provider);
  if (!entry) {
    recordUnpricedModel(model);
    return undefined;
  }
  const inputTokens = count(usage.input_tokens);
  const prices = pricesFor(entry.prices, inputTokens);
  const input = priceInput(inputTokens, usage.input_token_details ?? {}, prices);
  const output = priceOutput(count(usage.output_tokens), usage.output_token_details ?? {}, prices);
  return {
    input_cost: input.cost,
    output_cost: output.cost,
    total_cost: input.cost + output.cost,
    input_cost_details: input.details,
    output_cost_details: output.details,
  };
}

interface SideCost {
  cost: number;
  details: Record<string, number>;
}

// One side's running charge. Filled detail by detail rather than from a list of [key, tokens, price]
// tuples: every traced model run is priced, and those arrays were most of the cost.
interface Charge extends SideCost {
  remaining: number;
}

type Details = Readonly<Record<string, number | undefined>>;

function priceInput(total: number, details: Details, prices: TokenPrices): SideCost {
  const writePrice = prices.cache_write ?? prices.input;
  // Anthropic's TTL breakdown: when present, the ephemeral keys carry the writes and
  // `cache_creation` is 0 or their sum; either way the writes are counted once.
  const writes5m = count(details.ephemeral_5m_input_tokens);
  const writes1h = count(details.ephemeral_1h_input_tokens);
  const side: Charge = { remaining: total, cost: 0, details: {} };
  charge(side, "cache_read", count(details.cache_read), prices.cached_input ?? prices.input);
  charge(side, "cache_creation", Math.max(0, count(details.cache_creation) - writes5m - writes1h), writePrice);
  charge(side, "ephemeral_5m_input_tokens", writes5m, writePrice);
  charge(side, "ephemeral_1h_input_tokens", writes1h, prices.cache_write_1h ?? writePrice);
  charge(side, "audio", count(details.audio), prices.audio_input ?? prices.input);
  return settle(side, prices.input);
}

function priceOutput(total: number, details: Details, prices: TokenPrices): SideCost {
  const side: Charge = { remaining: total, cost: 0, details: {} };
  charge(side, "reasoning", count(details.reasoning), prices.reasoning ?? prices.output);
  charge(side, "audio", count(details.audio), prices.audio_output ?? prices.output);
  return settle(side, prices.output);
}

/**
 * Charges a detail from what is left of the side's tokens (so inconsistent details never charge
 * more tokens than the side has).
 */
function charge(side: Charge, key: string, tokens: number, price: number): void {
  const charged = Math.min(tokens, side.remaining);
  if (charged === 0) return;
  side.remaining -= charged;
  const partCost = (charged * price) / MILLION;
  side.details[key] = partCost;
  side.cost += partCost;
}

/** The side's cost, with the tokens no detail claimed charged at the plain price. */
function settle(side: Charge, plainPrice: number): SideCost {
  return { cost: side.cost + (side.remaining * plainPrice) / MILLION, details: side.details };
}

function pricesFor(prices: ModelPrices, inputTokens: number): TokenPrices {
  const band = prices.long_context;
  // Only read by field, so the entry's own prices serve as they are (no copy per call).
  if (!band || inputTokens <= band.above_input_tokens) return prices;
  const { long_context: _band, ...merged } = prices;
  for (const key of PRICE_KEYS) {
    const value = band[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function optionTable(prices: EstimateCostOptions["prices"]): PriceTable | undefined {
  if (prices === undefined || prices instanceof PriceTable) return prices;
  let table = optionTables.get(prices);
  if (!table) {
    table = PriceTable.from(prices);
    optionTables.set(prices, table);
  }
  return table;
}

function count(value: unknown): number {
  return isTokenCount(value) ? value : 0;
}
