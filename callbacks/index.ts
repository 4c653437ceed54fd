// runledger/callbacks: the event surface. Only what callers use is exported here; src/ imports the
// plumbing (dispatch, scope extensions, usage extraction, emitWarning) from its modules directly.
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
export { withCallbacks } from "./context.js";
export { awaitAllCallbacks } from "./dispatch.js";
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
} from "./run-managers.js";
export { UsageMetadataCallbackHandler, type UsageMetadataCallbackHandlerOptions } from "./usage-handler.js";
export { type UsageMetadataResult, withUsageMetadata } from "./with-usage-metadata.js";
export type { GroupKeyValue, UsageGroup } from "./usage-groups.js";
export { Budget, type BudgetLimits } from "./budget.js";
export { BudgetExceededError, type BudgetExceededInfo } from "./budget-exceeded-error.js";
export { withBudget } from "./with-budget.js";
export { getDefaultCostEstimator, setDefaultCostEstimator } from "./default-cost-estimator.js";
export { onWarning, type RunledgerWarning, type WarningListener } from "./warnings.js";
export { WARNING_CODES, type WarningCode } from "./warning-codes.js";
export { ERROR_CODES, RunledgerError, type RunledgerErrorCode } from "./runledger-error.js";
export {
  DEFAULT_HANDLER_TIMEOUT_MS,
  HandlerTimeoutError,
  getDefaultHandlerTimeout,
  setDefaultHandlerTimeout,
} from "./handler-timeout.js";

// Importing runledger/callbacks (or runledger) connects runledger scopes to LangChain.js when
// @langchain/core is installed; synchronous, so nothing started after import is missed.
installLangChainBridge();
