// The folder holding this module, and prices.json beside it. A .cts file compiles to CommonJS in
// both builds, so `__dirname` works for the ESM and the CJS output alike (ESM's `import.meta.url`
// does not compile in the CommonJS build). No type annotation: vitest runs this file untranspiled.
export const moduleDir = __dirname;
