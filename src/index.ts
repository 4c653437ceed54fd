// The public surface of `runledger`: everything, also reachable by subpath (runledger/schemas, …).
export * from "../schemas/index.js";
export * from "../callbacks/index.js";
