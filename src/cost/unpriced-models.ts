// Shared through globalThis so the ESM and CJS builds, if both get loaded, report the same names.
const KEY = Symbol.for("runledger.unpriced-models");
const store = globalThis as { [KEY]?: Set<string> };
const unpriced: Set<string> = (store[KEY] ??= new Set());

// Model names come from untrusted data; past this many distinct names new ones are not recorded.
const LIMIT = 1000;

/**
 * Records a model name that was asked for and had no price.
 *
 * @example
 * recordUnpricedModel("my-private-model");
 */
export function recordUnpricedModel(model: string): void {
  if (unpriced.size < LIMIT) unpriced.add(model);
}

/**
 * The model names `estimateCost` was asked to price and found no price for, in first-seen order
 * (at most 1000 distinct names are kept).
 *
 * @example
 * estimateCost("my-private-model", usage); // → undefined
 * getUnpricedModels(); // → ["my-private-model"]
 */
export function getUnpricedModels(): string[] {
  return [...unpriced];
}

/**
 * Forgets the recorded unpriced model names.
 *
 * @example
 * clearUnpricedModels();
 * getUnpricedModels(); // → []
 */
export function clearUnpricedModels(): void {
  unpriced.clear();
}
