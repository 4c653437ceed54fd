import { PriceTable } from "./price-table.js";
import type { ModelPrice, ModelPriceInput } from "./price-schema.js";

// Shared through globalThis so prices registered through one build are seen by the other.
const KEY = Symbol.for("runledger.registered-prices");
const store = globalThis as { [KEY]?: { entries: ModelPrice[]; table: PriceTable } };

/**
 * Adds prices that take precedence over the built-in table for every later `estimateCost` call
 * (and so for the default cost estimator). Prices are in USD per million tokens (`ModelPriceInput`:
 * `input` and `output`, optionally `cached_input`, `cache_write`, `cache_write_1h`, `reasoning`,
 * `audio_input`, `audio_output` and a `long_context` band). A later registration of the same model
 * wins. Records are validated; an invalid one throws a `RunledgerError` (`invalid_argument`) and nothing is registered.
 *
 * @example
 * registerPrices([
 *   { model: "my-fine-tune", prices: { input: 0.3, cached_input: 0.15, output: 1.2 } },
 *   { model: "gpt-4o-mini", provider: "openai", prices: { input: 0.1, output: 0.4 } }, // negotiated
 * ]);
 */
export function registerPrices(prices: readonly ModelPriceInput[]): void {
  const added = PriceTable.from(prices).entries;
  const entries = [...added, ...(store[KEY]?.entries ?? [])];
  store[KEY] = { entries, table: new PriceTable(entries) };
}

/**
 * Removes every price added with `registerPrices`.
 *
 * @example
 * clearRegisteredPrices();
 */
export function clearRegisteredPrices(): void {
  delete store[KEY];
}

/**
 * The registered prices as a table, or undefined when none are registered.
 *
 * @example
 * registeredPriceTable()?.lookup("my-fine-tune");
 */
export function registeredPriceTable(): PriceTable | undefined {
  return store[KEY]?.table;
}
