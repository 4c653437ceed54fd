export { estimateCost, type EstimateCostOptions } from "./estimate-cost.js";
export { normalizeModelName, type NormalizedModelName } from "./model-name.js";
export { PriceTable, getBuiltInPrices } from "./price-table.js";
export { registerPrices, clearRegisteredPrices } from "./price-registry.js";
export { getUnpricedModels, clearUnpricedModels } from "./unpriced-models.js";
export {
  TokenPricesSchema,
  ModelPricesSchema,
  ModelPriceSchema,
  PriceEntrySchema,
  PriceFileSchema,
  type TokenPrices,
  type ModelPrices,
  type ModelPrice,
  type PriceEntry,
  type PriceFile,
} from "./price-schema.js";
