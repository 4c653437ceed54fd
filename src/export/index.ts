export type { RunExporter, ExportResult } from "./run-exporter.js";
export { BatchRunProcessor, type BatchRunProcessorOptions } from "./batch-run-processor.js";
export { InMemoryRunExporter } from "./in-memory.js";
export { JsonlRunExporter, DEFAULT_TRACES_FILE, type JsonlRunExporterOptions } from "./jsonl.js";
export { LangSmithRunExporter, type LangSmithRunExporterOptions } from "./langsmith.js";
