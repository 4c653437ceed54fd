export {
  runledgerMiddleware,
  wrapAISDKModel,
  type RunledgerMiddleware,
  type RunledgerMiddlewareOptions,
} from "./middleware.js";
export {
  runledgerTelemetry,
  type RunledgerTelemetry,
  type RunledgerTelemetryOptions,
} from "./telemetry-integration.js";
export type { AISDKCallOptions, AISDKLanguageModel } from "./language-model.js";
export { StreamAbandonedError } from "../providers/wrap/stream-abandoned-error.js";
