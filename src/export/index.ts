export type { RunExporter, ExportResult } from "./run-exporter.js";
export { BatchRunProcessor, type BatchRunProcessorOptions } from "./batch-run-processor.js";
export { InMemoryRunExporter } from "./in-memory-run-exporter.js";
export { JsonlRunExporter, DEFAULT_TRACES_FILE, type JsonlRunExporterOptions } from "./jsonl-run-exporter.js";
export { LangSmithRunExporter, type LangSmithRunExporterOptions } from "./langsmith-run-exporter.js";
export { RunPrivacy, type HideValues, type RunPrivacyOptions } from "./run-privacy.js";
export { REDACTED, isSecretKey, containsSecret, maskSecrets, maskSecretsInString, maskRunSecrets } from "./redact.js";
export { replaySpool, type ReplayOptions, type ReplayResult } from "./replay.js";
export { DEFAULT_SPOOL_MAX_BYTES } from "./spool.js";
