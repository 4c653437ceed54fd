// A `require` that resolves from this package's own folder, in both builds: a .cts file compiles to
// CommonJS either way (ESM's `import.meta` does not compile in the CommonJS build). The LangChain.js
// bridge loads @langchain/core with it synchronously, so it has no start-up window. No type
// annotation: vitest runs this file untranspiled.
export const requireHere = require;
