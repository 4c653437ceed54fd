// runledger/otel: runs as OpenTelemetry spans and GenAI metrics, through @opentelemetry/api only.
export {
  OpenTelemetryCallbackHandler,
  type OpenTelemetryCallbackHandlerOptions,
} from "./opentelemetry-callback-handler.js";
export {
  contentCaptureEnabled,
  type BlobPart,
  type CapturedContent,
  type ContentMasker,
  type GenericPart,
  type InputMessage,
  type MessagePart,
  type OutputMessage,
  type ReasoningPart,
  type TextPart,
  type ToolCallPart,
  type ToolCallResponsePart,
  type UriPart,
} from "./content.js";
// Namespaced names: these are also re-exported from the package root next to everything else.
export {
  ATTR as OTEL_ATTRIBUTES,
  METRIC as GEN_AI_METRICS,
  providerNameFor,
  semconvVersion,
  type SemconvVersion,
} from "./semconv.js";
