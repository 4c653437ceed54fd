export * from "./handler.js";
export * from "./context.js";
export * from "./scope-extensions.js";
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
export * from "./callback-manager.js";
export * from "./run-managers.js";
export * from "./usage-from-output.js";
export * from "./usage-handler.js";
export * from "./with-usage-metadata.js";
export * from "./default-cost-estimator.js";
export * from "./warnings.js";
export {
  DEFAULT_HANDLER_TIMEOUT_MS,
  HandlerTimeoutError,
  getDefaultHandlerTimeout,
  setDefaultHandlerTimeout,
} from "./handler-timeout.js";
