/**
 * One model's per-token prices in force for a call, in USD per million tokens. An absent price means
 * that kind of token is not priced apart: it is charged at its parent's price (`input` or `output`).
 */
export interface Rates {
  readonly input: number;
  readonly output: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  readonly cacheWrite1h?: number;
  readonly inputAudio?: number;
  readonly outputAudio?: number;
  readonly outputReasoning?: number;
}

/** Prompt-size tiers: `tiers[i].rates` apply when a call's input tokens exceed `tiers[i].above`. */
export interface TieredRates {
  readonly base: Rates;
  /** Ascending by `above`. */
  readonly tiers: readonly { readonly above: number; readonly rates: Rates }[];
}

/** A span of time with its prices: from `from` (epoch ms) on, or only inside a daily UTC window. */
export interface PricePeriod {
  readonly from: number;
  /** Seconds after UTC midnight: [start, end), wrapping past midnight when end < start. */
  readonly window?: readonly [number, number];
  readonly rates: TieredRates;
}

/** The rates of the prompt-size tier an input of `inputTokens` falls in. */
export function ratesForInput(prices: TieredRates, inputTokens: number): Rates {
  const { tiers } = prices;
  let rates = prices.base;
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i];
    if (tier !== undefined && inputTokens > tier.above) rates = tier.rates;
  }
  return rates;
}

const DAY_SECONDS = 86_400;

/**
 * The period in force at `atMs`: the latest one that has started (or whose daily window holds the
 * time), else the first, as the source library decides.
 */
export function periodAt(periods: readonly PricePeriod[], atMs: number): PricePeriod | undefined {
  for (let i = periods.length - 1; i >= 0; i--) {
    const period = periods[i];
    if (period === undefined) continue;
    if (period.window) {
      const seconds = (((atMs / 1000) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
      const [start, end] = period.window;
      if (end < start ? seconds >= start || seconds < end : seconds >= start && seconds < end) return period;
    } else if (atMs >= period.from) return period;
  }
  return periods[0];
}

/** `rates` with every price multiplied by `factor` (Batch and Flex tiers). */
export function scaleRates(rates: Rates, factor: number): Rates {
  const scaled: Record<string, number> = {};
  for (const [key, value] of Object.entries(rates)) {
    if (typeof value === "number") scaled[key] = value * factor;
  }
  return scaled as unknown as Rates;
}
