export { normalizeResponse } from "./normalize.js";
export { StreamAccumulator } from "./stream-accumulator.js";
export { concatChunks, type MessageChunk, type MessageContent, type ToolCallChunk } from "./concat-chunks.js";
export { ProviderPayloadError } from "./errors.js";
export {
  PROVIDER_NAMES,
  type InvalidToolCall,
  type NormalizedResponse,
  type NormalizeOptions,
  type ProviderName,
  type StreamAccumulatorOptions,
  type StreamResult,
} from "./types.js";
export { wrapOpenAI, type WrapOpenAIOptions } from "./wrap-openai.js";
export { wrapAnthropic, type WrapAnthropicOptions } from "./wrap-anthropic.js";
export { StreamAbandonedError } from "./stream-abandoned-error.js";
export type { WrapClientOptions } from "./wrap-options.js";
