// The public surface of `runledger`: everything, also reachable by subpath (runledger/schemas, …).
export * from "../schemas/index.js";
export * from "../callbacks/index.js";
export { installLangChainBridge } from "./langchain/bridge.js";

import { installLangChainBridge } from "./langchain/bridge.js";

// Loading the main entry connects runledger scopes to LangChain.js when @langchain/core is present.
installLangChainBridge();
