import { installLangChainBridge } from "./langchain-bridge.js";

export {
  BaseCallbackHandler,
  type CallbackHandler,
  type CallbackHandlerFields,
  type CallbackHandlerMethods,
  type NewTokenFields,
  type NewTokenIndices,
  type Serialized,
} from "./base-callback-handler.js";
export {
  type CallbackContext,
  getCallbackContext,
  insideRunContext,
  insideTokenHandler,
  registerRunContextStorage,
  runOutsideContext,
  runWithCallbackContext,
  withCallbacks,
} from "./context.js";
export { bufferString } from "./buffer-string.js";
export { validHandlers } from "./valid-handlers.js";
export {
  applyScopeExtensions,
  registerScopeExtension,
  type ScopeExtension,
  scopeExtensionsReady,
} from "./scope-extensions.js";
export {
  CALLBACK_EVENTS,
  dispatch,
  awaitAllCallbacks,
  reportHandlerError,
  type CallbackEvent,
  type CallbackMethod,
  type DispatchedMethod,
  type IgnoreFlag,
} from "./dispatch.js";
export {
  CallbackManager,
  type CallbackManagerInit,
  type CallbackManagerOptions,
  type Callbacks,
} from "./callback-manager.js";
export {
  BaseRunManager,
  CallbackManagerForChainRun,
  CallbackManagerForLLMRun,
  CallbackManagerForRetrieverRun,
  CallbackManagerForToolRun,
  type RunManagerInit,
} from "./run-managers.js";
export { modelOf, type ModelUsage, usageFromChunk, usageFromOutput, usageFromRunOutputs } from "./usage-from-output.js";
export { UsageMetadataCallbackHandler, type UsageMetadataCallbackHandlerOptions } from "./usage-handler.js";
export { type UsageMetadataResult, withUsageMetadata } from "./with-usage-metadata.js";
export { getDefaultCostEstimator, setDefaultCostEstimator } from "./default-cost-estimator.js";
export { emitWarning, onWarning, type RunledgerWarning, type WarningListener } from "./warnings.js";
export {
  DEFAULT_HANDLER_TIMEOUT_MS,
  HandlerTimeoutError,
  getDefaultHandlerTimeout,
  setDefaultHandlerTimeout,
} from "./handler-timeout.js";
export { installLangChainBridge, langChainRunnableConfig, type LangChainRunnableConfig } from "./langchain-bridge.js";
export { isBridgeHandler, LangChainBridgeHandler } from "./langchain-bridge-handler.js";

// Importing runledger/callbacks (or runledger) connects runledger scopes to LangChain.js when
// @langchain/core is installed; synchronous, so nothing started after import is missed.
installLangChainBridge();
