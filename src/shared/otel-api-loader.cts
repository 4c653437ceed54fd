// @opentelemetry/api, loaded when first needed (otel-api.ts). A literal require in a CommonJS file (a
// .cts compiles to CommonJS in both builds), so bundlers that make one file of an app (esbuild,
// webpack) see the dependency and bundle it. No type annotation: vitest runs this file untranspiled.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at first use, synchronously (above)
export const loadOtelApi = () => require("@opentelemetry/api");
