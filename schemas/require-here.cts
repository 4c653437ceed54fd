// A `require` that resolves from this package's own folder, in both builds: a .cts file compiles to
// CommonJS either way (ESM's `import.meta` does not compile in the CommonJS build). Dependencies
// that cost start-up time (zod, @opentelemetry/api) and the LangChain.js bridge's @langchain/core
// are loaded with it synchronously at first use, so importing runledger does not load them and
// there is no start-up window. No type annotation: vitest runs this file untranspiled.
export const requireHere = require;
