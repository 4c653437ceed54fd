// The public surface of `runledger`: everything, also reachable by subpath (runledger/schemas, …).
import { getDefaultCostEstimator, setDefaultCostEstimator } from "../callbacks/index.js";
import { estimateCost } from "./cost/index.js";
import { installLangChainBridge } from "./langchain/bridge.js";

export * from "../schemas/index.js";
export * from "../callbacks/index.js";
export * from "./cost/index.js";
export * from "./otel/index.js";
export * from "./providers/index.js";
export * from "./tracing/index.js";
export * from "./export/index.js";
export { installLangChainBridge } from "./langchain/bridge.js";

// Loading the main entry prices usage with the built-in table (unless the user chose an estimator
// already) and connects runledger scopes to LangChain.js when @langchain/core is present.
if (getDefaultCostEstimator() === undefined) setDefaultCostEstimator(estimateCost);
installLangChainBridge();
