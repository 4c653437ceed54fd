// `runledger/langsmith`: what speaks LangSmith's language, for code that talks to LangSmith or to
// services traced with the `langsmith` package.
export { toHeaders, fromHeaders, type PropagatedRun, type IncomingHeaders } from "./tracing/headers.js";
export type { CurrentRun } from "./tracing/current-run.js";
export { LangSmithRunExporter, type LangSmithRunExporterOptions } from "./export/langsmith-run-exporter.js";
export type { RunExporter, ExportResult } from "./export/run-exporter.js";
