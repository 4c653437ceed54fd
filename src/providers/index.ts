export { normalizeResponse } from "./payloads/normalize.js";
export { StreamAccumulator } from "./stream/stream-accumulator.js";
export { concatChunks, type MessageChunk, type MessageContent, type ToolCallChunk } from "./stream/concat-chunks.js";
export { ProviderPayloadError } from "./common/errors.js";
export {
  PROVIDER_NAMES,
  type InvalidToolCall,
  type NormalizedResponse,
  type NormalizeOptions,
  type ProviderName,
  type StreamAccumulatorOptions,
  type StreamResult,
} from "./common/types.js";
export { wrapOpenAI, type WrapOpenAIOptions } from "./wrap/wrap-openai.js";
export { wrapAnthropic, type WrapAnthropicOptions } from "./wrap/wrap-anthropic.js";
export { wrapBedrockRuntime, type WrapBedrockRuntimeOptions } from "./wrap/wrap-bedrock-runtime.js";
export { wrapCohere, type WrapCohereOptions } from "./wrap/wrap-cohere.js";
export { wrapGoogleGenAI, type WrapGoogleGenAIOptions } from "./wrap/wrap-google-genai.js";
export { wrapGroq, type WrapGroqOptions } from "./wrap/wrap-groq.js";
export { wrapMistral, type WrapMistralOptions } from "./wrap/wrap-mistral.js";
export { StreamAbandonedError } from "./wrap/stream-abandoned-error.js";
export type { WrapClientOptions } from "./wrap/wrap-options.js";
