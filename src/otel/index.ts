// runledger/otel: runs as OpenTelemetry spans and GenAI metrics, through @opentelemetry/api only.
export { OpenTelemetryCallbackHandler, type OpenTelemetryCallbackHandlerOptions } from "./handler.js";
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
export {
  ATTR,
  METRIC,
  OPERATION,
  PROVIDER_NAME_BY_LS_PROVIDER,
  UNFINISHED_REASON,
  providerNameFor,
  semconvVersion,
  type SemconvVersion,
} from "./semconv.js";
