export {
  type InputTokenDetails,
  InputTokenDetailsSchema,
  type OutputTokenDetails,
  OutputTokenDetailsSchema,
  TokenCountSchema,
  type UsageMetadata,
  UsageMetadataSchema,
  UsdSchema,
} from "./usage.js";
export { cacheWriteTokens, hasCacheWrites } from "./cache-writes.js";
export { addUsage, subtractUsage } from "./usage-math.js";
export {
  IsoTimeSchema,
  RunTimeSchema,
  type Run,
  type RunCreate,
  RunCreateSchema,
  type RunEvent,
  RunEventSchema,
  RunExtraSchema,
  RunSchema,
  type RunType,
  RunTypeSchema,
  type RunUpdate,
  RunUpdateSchema,
} from "./run.js";
export { type ResponseMetadata, ResponseMetadataSchema } from "./response-metadata.js";
export {
  type ChatGeneration,
  type Generation,
  type GenerationMessage,
  type LLMResult,
  LLMResultSchema,
  type ToolCall,
} from "./llm-result.js";
export { type CostContext, type CostEstimate, CostEstimateSchema, type CostEstimator } from "./cost.js";
