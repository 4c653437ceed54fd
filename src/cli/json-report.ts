import type { Report, RunNode, TraceReport } from "./report.js";

/**
 * A run of the JSON report: its summary and times as ISO strings. A trace's runs are a flat list in
 * tree order (depth first, siblings in execution order), each with its `depth` (0 for a root) and
 * `parent_run_id`: flat, so the output grows linearly with the tree's depth.
 */
export interface JsonRun {
  id: string;
  name: string;
  run_type: string;
  parent_run_id: string | null;
  start_time: string;
  end_time: string | null;
  duration_ms: number | null;
  error: string | null;
  model: string | null;
  provider: string | null;
  usage_metadata: unknown;
  cost: { input: number; output: number; total: number; source: "run" | "estimated" } | null;
  depth: number;
}

/**
 * The report as plain JSON data (`runledger report --json`): traces as nested runs, the
 * per-model table, totals, usage per `groupBy` dimension (`value` null: calls without the key),
 * problems and unpriced models.
 *
 * @example
 * console.log(JSON.stringify(toJsonReport(report), null, 2));
 */
export function toJsonReport(report: Report): Record<string, unknown> {
  return {
    file: report.file,
    lines: report.lines,
    runs: report.runs,
    traces: report.traces.map(traceJson),
    runs_in_other_traces: report.runsInOtherTraces,
    models: report.models,
    totals: report.totals,
    groups: report.groups.map((group) => ({
      dimension: group.dimension,
      groups: group.groups,
      values_not_shown: group.valuesNotShown,
    })),
    unpriced_models: report.unpricedModels,
    problem_count: report.problemCount,
    problems: report.problems,
  };
}

function traceJson(trace: TraceReport): Record<string, unknown> {
  return {
    trace_id: trace.traceId,
    start_time: iso(trace.start),
    end_time: iso(trace.end),
    run_count: trace.runCount,
    runs_not_shown: trace.runsNotShown,
    totals: trace.totals,
    runs: flatRuns(trace.roots),
  };
}

/** Depth-first, without recursion (traces can be thousands deep). */
function flatRuns(roots: RunNode[]): JsonRun[] {
  const runs: JsonRun[] = [];
  const stack: { node: RunNode; depth: number }[] = [];
  for (let index = roots.length - 1; index >= 0; index--) stack.push({ node: roots[index] as RunNode, depth: 0 });
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    runs.push(runJson(item.node, item.depth));
    const { children } = item.node;
    for (let index = children.length - 1; index >= 0; index--) {
      stack.push({ node: children[index] as RunNode, depth: item.depth + 1 });
    }
  }
  return runs;
}

function runJson(node: RunNode, depth: number): JsonRun {
  const { run } = node;
  return {
    id: run.id,
    name: run.name,
    run_type: run.runType,
    parent_run_id: run.parentId ?? null,
    start_time: iso(run.start) ?? "",
    end_time: run.end === undefined ? null : iso(run.end),
    duration_ms: run.end === undefined ? null : run.end - run.start,
    error: run.error ?? null,
    model: run.model ?? null,
    provider: run.provider ?? null,
    usage_metadata: run.usage ?? null,
    cost: run.cost ?? null,
    depth,
  };
}

function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
