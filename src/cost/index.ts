export { estimateCost, type EstimateCostOptions } from "./estimate-cost.js";
export { normalizeModelName, type NormalizedModelName } from "./model-name.js";
export { PriceTable } from "./price-table.js";
export { getBuiltInPrices, getPriceSource, type BuiltInPrice, type PriceSource } from "./built-in-prices.js";
export { registerPrices, clearRegisteredPrices } from "./price-registry.js";
export { getUnpricedModels, clearUnpricedModels } from "./unpriced-models.js";
export {
  TokenPricesSchema,
  ModelPricesSchema,
  ModelPriceSchema,
  type TokenPrices,
  type ModelPrices,
  type ModelPrice,
  type ModelPriceInput,
} from "./price-schema.js";
