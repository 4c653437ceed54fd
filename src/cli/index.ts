// The CLI pieces useful to programs: stream Run records from a JSONL file, and build the report.
export { readRuns, RunReader, type LineProblem, type ReadRunsOptions, type RunLine } from "./read-runs.js";
export {
  buildReport,
  type Report,
  type ReportOptions,
  type ModelUsage,
  type UsageTotals,
  type TraceReport,
  type RunNode,
} from "./report.js";
export type { RunSummary, RunCost } from "./run-summary.js";
export type { RunFilter } from "./filters.js";
