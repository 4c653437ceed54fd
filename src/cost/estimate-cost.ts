import { type CostContext, type CostEstimate, type UsageMetadata } from "../../schemas/index.js";
import { isTokenCount } from "../../schemas/usage-parse.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";
import { lookupBuiltIn, sourceProviderId, type PricedModel } from "./built-in-prices.js";
import { normalizeModelName } from "./model-name.js";
import { EXTRA_MODELS, SERVICE_TIERS } from "./price-overrides.js";
import { periodAt, ratesForInput, scaleRates, type Rates, type TieredRates } from "./price-rates.js";
import { registeredPriceTable } from "./price-registry.js";
import type { ModelPriceInput } from "./price-schema.js";
import { PriceTable } from "./price-table.js";
import { recordUnpricedModel } from "./unpriced-models.js";

/** Options of `estimateCost`. */
export interface EstimateCostOptions extends CostContext {
  /**
   * Prices that take precedence over registered and built-in ones: a `PriceTable` or price records
   * in USD per million tokens (validated; an invalid record throws a `RunledgerError` (`invalid_argument`)).
   */
  prices?: PriceTable | readonly ModelPriceInput[];
}

const MILLION = 1_000_000;
type Details = Readonly<Record<string, number | undefined>>;
const NO_DETAILS: Details = Object.freeze({});
const NO_OPTIONS: EstimateCostOptions = Object.freeze({});

// Service tiers and the detail keys their tokens arrive under (the tier key holds the rest).
interface Tier {
  tier: string;
  cacheRead: string;
  cacheCreation: string;
  reasoning: string;
}
const tierKeys = (tier: string): Tier => ({
  tier,
  cacheRead: `${tier}_cache_read`,
  cacheCreation: `${tier}_cache_creation`,
  reasoning: `${tier}_reasoning`,
});
const FLEX = tierKeys("flex");
const PRIORITY = tierKeys("priority");
const BATCH = tierKeys("batch");
const STANDARD: Tier = { tier: "", cacheRead: "cache_read", cacheCreation: "cache_creation", reasoning: "reasoning" };

// Keys of raw provider usage objects that runledger's UsageMetadata never has.
const RAW_USAGE_KEYS = [
  "prompt_tokens",
  "completion_tokens",
  "input_tokens_details",
  "cache_creation_input_tokens",
  "cache_read_input_tokens",
  "promptTokenCount",
  "candidatesTokenCount",
  "inputTokens",
  "prompt_eval_count",
  "billed_units",
];

// Built-in lookups by provider then model name: the name normalization and index search run once per
// distinct name. Bounded: names come from untrusted runs.
const resolved = new Map<string, Map<string, PricedModel | null>>();
const RESOLVED_LIMIT = 4096;
let resolvedCount = 0;
// runledger's own additions for models the source lacks, built on first miss.
let extraTable: PriceTable | undefined;
// Tables built from the `prices` option, kept per array so repeated calls do not re-validate.
const optionTables = new WeakMap<readonly unknown[], PriceTable>();
// Service-tier prices derived from a period's standard ones, built once each.
const tierRates = new WeakMap<TieredRates, Map<string, TieredRates>>();

/**
 * Estimates the USD cost of one model call's usage (runledger's `UsageMetadata`, as
 * `normalizeResponse` gives it) from the price in force at `options.at` (default: now), charged by
 * `options.provider` when given (`openai`, `amazon_bedrock`, `google_vertexai`, `azure`, `groq`, …).
 *
 * Each token is charged once: cache reads at the cache-read price, cache writes at the write price
 * (Anthropic's 1-hour writes, `ephemeral_1h_input_tokens`, at theirs), audio at the audio price, the
 * rest of the input at the input price; reasoning and audio output are parts of the output. A price
 * the model lacks falls back to the plain input (output) price. Prompts past a model's long-context
 * threshold are priced from its long-context tier; usage with service-tier keys (`flex`, `priority`,
 * `batch`, as OpenAI's usage gives them) at that tier's prices. When the usage carries the provider's
 * own `total_cost`, that figure is returned as it is, with `reported: true`.
 *
 * Returns undefined, and records the name (see `getUnpricedModels`), when the model has no price.
 * Throws a `RunledgerError` (`invalid_argument`) when `model` is not a non-empty string, `usage` not an object, `options.at` not
 * a valid time, or `usage` is a raw provider usage object (`prompt_tokens`, `cache_read_input_tokens`,
 * …): pass the response through `normalizeResponse` and price its `usage_metadata`.
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
 * estimateCost("anthropic.claude-3-5-sonnet-20240620-v1:0", usage, { provider: "amazon_bedrock", at: run.start_time });
 */
export function estimateCost(
  model: string,
  usage: UsageMetadata,
  options: EstimateCostOptions = NO_OPTIONS,
): CostEstimate | undefined {
  checkArguments(model, usage, options);
  const reported = reportedCost(usage);
  if (reported) return reported;
  const priced = lookup(model, options);
  if (!priced) {
    recordUnpricedModel(model);
    return undefined;
  }
  const inputDetails: Details = usage.input_token_details ?? NO_DETAILS;
  const outputDetails: Details = usage.output_token_details ?? NO_DETAILS;
  const tier = serviceTier(inputDetails, outputDetails);
  const period = priced.periods.length === 1 ? priced.periods[0] : periodAt(priced.periods, epochMs(options.at));
  if (period === undefined) return undefined;
  const prices = tier === STANDARD ? period.rates : pricesForTier(priced, period.rates, tier);
  const inputTokens = count(usage.input_tokens);
  const rates = ratesForInput(prices, inputTokens);
  const input_cost_details: Record<string, number> = {};
  const output_cost_details: Record<string, number> = {};
  const input_cost = priceInput(inputTokens, inputDetails, rates, tier, input_cost_details);
  const output_cost = priceOutput(count(usage.output_tokens), outputDetails, rates, tier, output_cost_details);
  return { input_cost, output_cost, total_cost: input_cost + output_cost, input_cost_details, output_cost_details };
}

function checkArguments(model: unknown, usage: unknown, options: unknown): void {
  if (typeof model !== "string" || model.length === 0) {
    throw new RunledgerError(
      "invalid_argument",
      `estimateCost: model must be a non-empty string, got ${describe(model)}`,
    );
  }
  if (typeof usage !== "object" || usage === null) {
    throw new RunledgerError(
      "invalid_argument",
      `estimateCost: usage must be a UsageMetadata object, got ${describe(usage)}`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new RunledgerError("invalid_argument", `estimateCost: options must be an object, got ${describe(options)}`);
  }
  const { at } = options as EstimateCostOptions;
  if (at !== undefined) epochMs(at);
  const { input_tokens, total_tokens } = usage as Partial<UsageMetadata>;
  // A UsageMetadata always has these two; a raw provider object lacks one, or has its detail maps.
  if (typeof input_tokens !== "number" || typeof total_tokens !== "number" || "input_tokens_details" in usage) {
    const raw = RAW_USAGE_KEYS.find((key) => key in usage);
    if (raw !== undefined) {
      throw new RunledgerError(
        "invalid_argument",
        `estimateCost: usage is a raw provider usage object (it has "${raw}"); price ` +
          "normalizeResponse(response).usage_metadata instead, which applies each provider's usage rules",
      );
    }
  }
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

// The usage's own cost keys (the provider's figure); read as unknown: JavaScript callers pass anything.
function reportedCost(usage: UsageMetadata): CostEstimate | undefined {
  const total: unknown = usage.total_cost;
  if (typeof total !== "number" || !(total >= 0) || total === Infinity) return undefined;
  const input = usd(usage.input_cost);
  const output = usd(usage.output_cost);
  return {
    input_cost: input,
    output_cost: output,
    total_cost: total,
    input_cost_details: usdDetails(usage.input_cost_details),
    output_cost_details: usdDetails(usage.output_cost_details),
    reported: true,
  };
}

function usd(value: unknown): number {
  return typeof value === "number" && value >= 0 && Number.isFinite(value) ? value : 0;
}

function usdDetails(value: unknown): Record<string, number> {
  const details: Record<string, number> = {};
  if (typeof value !== "object" || value === null) return details;
  for (const [key, cost] of Object.entries(value)) if (usd(cost) === cost) details[key] = cost;
  return details;
}

function lookup(model: string, options: EstimateCostOptions): PricedModel | undefined {
  const { provider } = options;
  const own = optionTable(options.prices)?.lookup(model, provider) ?? registeredPriceTable()?.lookup(model, provider);
  if (own) return own;
  const key = provider ?? "";
  let byModel = resolved.get(key);
  const cached = byModel?.get(model);
  if (cached !== undefined) return cached ?? undefined;
  const name = normalizeModelName(model);
  const wanted = provider ?? name.provider;
  const found =
    lookupBuiltIn(name.candidates, wanted === undefined ? undefined : sourceProviderId(wanted)) ??
    (extraTable ??= new PriceTable(EXTRA_MODELS)).lookup(model, wanted) ??
    null;
  if (resolvedCount >= RESOLVED_LIMIT) {
    resolved.clear();
    resolvedCount = 0;
    byModel = undefined;
  }
  if (!byModel) resolved.set(key, (byModel = new Map()));
  byModel.set(model, found);
  resolvedCount++;
  return found ?? undefined;
}

// Named reads, not a loop over tier names: a keyed read per tier was a fifth of a call's time.
function serviceTier(input: Details, output: Details): Tier {
  if (input.flex !== undefined || output.flex !== undefined) return FLEX;
  if (input.priority !== undefined || output.priority !== undefined) return PRIORITY;
  if (input.batch !== undefined || output.batch !== undefined) return BATCH;
  return STANDARD;
}

/** The tier's prices for the model (its own, or the standard ones scaled); standard ones when unknown. */
function pricesForTier(priced: PricedModel, standard: TieredRates, tier: Tier): TieredRates {
  let byTier = tierRates.get(standard);
  let prices = byTier?.get(tier.tier);
  if (prices) return prices;
  const rule = SERVICE_TIERS.find((candidate) => candidate.provider === priced.provider)?.tiers[tier.tier];
  const price = rule?.[priced.model] ?? rule?.["*"];
  if (price === undefined) prices = standard;
  else if ("scale" in price) {
    const factor = price.scale;
    prices = {
      base: scaleRates(standard.base, factor),
      tiers: standard.tiers.map(({ above, rates }) => ({ above, rates: scaleRates(rates, factor) })),
    };
  } else {
    const rates: Rates =
      price.cache_read === undefined
        ? { input: price.input, output: price.output }
        : { input: price.input, cacheRead: price.cache_read, output: price.output };
    prices = { base: rates, tiers: [] };
  }
  if (!byTier) tierRates.set(standard, (byTier = new Map()));
  byTier.set(tier.tier, prices);
  return prices;
}

// One side's running charge (tokens not yet claimed by a detail, cost so far). Module state rather than
// an object per side: every traced model run is priced, and the result is the only allocation.
let remaining = 0;
let sideCost = 0;

function priceInput(total: number, details: Details, rates: Rates, tier: Tier, out: Record<string, number>): number {
  const writePrice = rates.cacheWrite ?? rates.input;
  // Anthropic's TTL breakdown: when present, the ephemeral keys carry the writes and
  // `cache_creation` is 0 or their sum; either way the writes are counted once.
  const writes5m = count(details.ephemeral_5m_input_tokens);
  const writes1h = count(details.ephemeral_1h_input_tokens);
  // Named reads for standard usage (keyed reads are slower); a tier's keys are read by name in the map.
  const standard = tier === STANDARD;
  const reads = count(standard ? details.cache_read : (details[tier.cacheRead] ?? details.cache_read));
  const writes = count(standard ? details.cache_creation : (details[tier.cacheCreation] ?? details.cache_creation));
  remaining = total;
  sideCost = 0;
  charge(out, tier.cacheRead, reads, rates.cacheRead ?? rates.input);
  charge(out, tier.cacheCreation, Math.max(0, writes - writes5m - writes1h), writePrice);
  charge(out, "ephemeral_5m_input_tokens", writes5m, writePrice);
  charge(out, "ephemeral_1h_input_tokens", writes1h, rates.cacheWrite1h ?? writePrice);
  charge(out, "audio", count(details.audio), rates.inputAudio ?? rates.input);
  return sideCost + (remaining * rates.input) / MILLION;
}

function priceOutput(total: number, details: Details, rates: Rates, tier: Tier, out: Record<string, number>): number {
  remaining = total;
  sideCost = 0;
  const reasoning = count(tier === STANDARD ? details.reasoning : (details[tier.reasoning] ?? details.reasoning));
  charge(out, tier.reasoning, reasoning, rates.outputReasoning ?? rates.output);
  charge(out, "audio", count(details.audio), rates.outputAudio ?? rates.output);
  return sideCost + (remaining * rates.output) / MILLION;
}

/**
 * Charges a detail from what is left of the side's tokens (so inconsistent details never charge
 * more tokens than the side has); the rest is charged at the plain price by the caller.
 */
function charge(out: Record<string, number>, key: string, tokens: number, price: number): void {
  const charged = Math.min(tokens, remaining);
  if (charged === 0) return;
  remaining -= charged;
  const partCost = (charged * price) / MILLION;
  out[key] = partCost;
  sideCost += partCost;
}

function epochMs(at: CostContext["at"]): number {
  if (at === undefined) return Date.now();
  const ms = typeof at === "number" ? at : typeof at === "string" ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms))
    throw new RunledgerError("invalid_argument", `estimateCost: options.at is not a valid time (${String(at)})`);
  return ms;
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
