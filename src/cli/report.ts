import { matchesFilter, type RunFilter } from "./filters.js";
import { readRuns, type LineProblem, type RunReader } from "./read-runs.js";
import { preview, summarizeRun, type RunSummary } from "./run-summary.js";
import { cacheWriteTokens, type Run } from "../../schemas/index.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";

/** Token and cost totals of a set of LLM calls. */
export interface UsageTotals {
  calls: number;
  errors: number;
  input_tokens: number;
  /** Input tokens read from a prompt cache (a part of `input_tokens`). */
  cached_tokens: number;
  /** Input tokens written to a prompt cache (a part of `input_tokens`). */
  cache_write_tokens: number;
  output_tokens: number;
  /** Reasoning tokens (a part of `output_tokens`). */
  reasoning_tokens: number;
  total_tokens: number;
  /** USD: recorded run costs, else estimates; calls without either add nothing. */
  cost: number;
  /** Calls with usage but neither a recorded cost nor a price. */
  unpriced_calls: number;
}

/** The usage of one model (named as the responses named it). */
export interface ModelUsage extends UsageTotals {
  model: string;
}

/** The usage of the LLM calls sharing one value of a grouping dimension (null: runs without it). */
export interface GroupUsage extends UsageTotals {
  value: string | null;
}

/** Usage per value of one `--group-by` dimension, costliest first. */
export interface GroupReport {
  /** As given, e.g. `metadata.user_id`. */
  dimension: string;
  groups: GroupUsage[];
  /** Calls whose value came after `MAX_GROUP_VALUES` distinct ones: counted in the `(other)` row. */
  valuesNotShown: number;
}

/** A run in a trace tree, with the LLM usage of its whole subtree. */
export interface RunNode {
  run: RunSummary;
  children: RunNode[];
  subtree: UsageTotals;
}

/** One trace as a forest: runs whose parent is not in the report are roots. */
export interface TraceReport {
  traceId: string;
  roots: RunNode[];
  /** Runs kept for the tree. */
  runCount: number;
  /** Runs of this trace beyond `maxRunsPerTrace`, counted in the totals but not drawn. */
  runsNotShown: number;
  start: number;
  end: number;
  totals: UsageTotals;
}

/** Everything `runledger report` and `runledger html` show. */
export interface Report {
  file: string;
  lines: number;
  /** Valid runs read (before the filters). */
  runsRead: number;
  /** Runs that passed the filters. */
  runs: number;
  models: ModelUsage[];
  totals: UsageTotals;
  traces: TraceReport[];
  /** Matching runs of traces beyond `maxTraces`: counted in the totals, not drawn. */
  runsInOtherTraces: number;
  problems: LineProblem[];
  problemCount: number;
  /** Models that had usage but no recorded cost and no price. */
  unpricedModels: string[];
  /** One per `groupBy` dimension, in the order given. */
  groups: GroupReport[];
}

/** Options of `buildReport`. */
export interface ReportOptions {
  filter?: RunFilter;
  /** Trace trees kept for display: the newest traces (by start time), newest first (default 20). */
  maxTraces?: number;
  /** Runs kept per trace for display (default 5000). */
  maxRunsPerTrace?: number;
  /** Called for each malformed line or usage value, as it is met. */
  onProblem?: (problem: LineProblem) => void;
  /** Read instead of the file (the file name is then only shown), e.g. standard input. */
  input?: NodeJS.ReadableStream;
  /** Called after each line with the reader, for progress display. */
  onProgress?: (reader: RunReader) => void;
  /**
   * Dimensions to total LLM calls by: `metadata.<key>`, read from the run's metadata (`extra.metadata`,
   * where inherited metadata such as a traceable's `user_id` lands).
   */
  groupBy?: readonly string[];
}

const KEPT_PROBLEMS = 100;
/** Distinct values kept per dimension: memory stays bounded on a file with a value per call. */
export const MAX_GROUP_VALUES = 10_000;
const OTHER_VALUES = "(other)";

/**
 * The metadata key a `--group-by` dimension names (`metadata.user_id` → `user_id`); throws for any
 * other form.
 *
 * @example
 * groupKey("metadata.user_id"); // "user_id"
 */
export function groupKey(dimension: string): string {
  const key = dimension.startsWith("metadata.") ? dimension.slice("metadata.".length) : "";
  if (key === "")
    throw new RunledgerError(
      "invalid_argument",
      `--group-by: "${dimension}" is not metadata.<key> (e.g. metadata.user_id)`,
    );
  return key;
}

/**
 * Reads a JSONL file of Run records once, as a stream, and builds the report: per-model totals
 * over every matching run (aggregated on the fly), and the trees of the newest `maxTraces` traces
 * (newest first; an older trace kept so far is let go when a newer one comes, its runs counted).
 * Memory is bounded by the number of models plus `maxTraces × maxRunsPerTrace` run summaries
 * (a few hundred bytes each), whatever the file size.
 *
 * @example
 * const report = await buildReport("runledger-traces.jsonl", { filter: { model: "gpt-4o-mini" } });
 * console.log(report.totals.cost);
 */
export async function buildReport(file: string, options: ReportOptions = {}): Promise<Report> {
  const maxTraces = options.maxTraces ?? 20;
  const maxRunsPerTrace = options.maxRunsPerTrace ?? 5000;
  const filter = options.filter ?? {};
  const problems: LineProblem[] = [];
  const onProblem = (problem: LineProblem): void => {
    if (problems.length < KEPT_PROBLEMS) problems.push(problem);
    options.onProblem?.(problem);
  };
  const reader = readRuns(file, options.input === undefined ? { onProblem } : { onProblem, input: options.input });
  const models = new Map<string, ModelUsage>();
  const totals = emptyTotals();
  const kept = new Map<string, KeptTrace>();
  // Traces let go for newer ones: their later runs are counted, not kept again.
  const released = new Set<string>();
  const unpriced = new Set<string>();
  // Models some response named; the others only ever appear as requested (failed calls).
  const responseNamed = new Set<string>();
  let runs = 0;
  let runsRead = 0;
  let runsInOtherTraces = 0;
  let usageProblems = 0;
  const dimensions = (options.groupBy ?? []).map((dimension) => ({
    dimension,
    key: groupKey(dimension),
    groups: new Map<string | null, GroupUsage>(),
    valuesNotShown: 0,
  }));

  for await (const { run, line } of reader) {
    const summary = summarizeRun(run, (message) => {
      usageProblems++;
      onProblem({ line, message });
    });
    options.onProgress?.(reader);
    runsRead++;
    if (!matchesFilter(summary, filter)) continue;
    runs++;
    if (summary.runType === "llm") {
      const model = summary.model ?? "unknown";
      let usage = models.get(model);
      if (!usage) models.set(model, (usage = { model, ...emptyTotals() }));
      if (!summary.modelRequested) responseNamed.add(model);
      addCall(usage, summary);
      addCall(totals, summary);
      if (summary.usage && !summary.cost) unpriced.add(model);
      for (const dimension of dimensions) addToGroup(dimension, run, summary);
    }
    let trace = kept.get(summary.traceId);
    if (!trace) {
      if (released.has(summary.traceId)) {
        runsInOtherTraces++;
        continue;
      }
      if (kept.size >= maxTraces) {
        const oldest = oldestTrace(kept);
        if (oldest === undefined || oldest[1].start >= summary.start) {
          runsInOtherTraces++;
          continue;
        }
        kept.delete(oldest[0]);
        released.add(oldest[0]);
        runsInOtherTraces += oldest[1].runs.length + oldest[1].notShown;
      }
      kept.set(summary.traceId, (trace = { runs: [], notShown: 0, start: summary.start }));
    }
    trace.start = Math.min(trace.start, summary.start);
    if (trace.runs.length < maxRunsPerTrace) {
      const inputs = preview(run.inputs);
      const outputs = preview(run.outputs);
      if (inputs !== undefined) summary.inputs = inputs;
      if (outputs !== undefined) summary.outputs = outputs;
      trace.runs.push(summary);
    } else trace.notShown++;
  }
  options.onProgress?.(reader);

  return {
    file,
    lines: reader.linesRead,
    runsRead,
    runs,
    models: [...groupRequestedNames(models, responseNamed, unpriced).values()].sort(
      (a, b) => b.cost - a.cost || a.model.localeCompare(b.model),
    ),
    totals,
    traces: [...kept]
      .sort(([, a], [, b]) => b.start - a.start)
      .map(([traceId, trace]) => buildTrace(traceId, trace.runs, trace.notShown)),
    runsInOtherTraces,
    problems,
    problemCount: reader.problemCount + usageProblems,
    unpricedModels: [...unpriced],
    groups: dimensions.map(({ dimension, groups, valuesNotShown }) => ({
      dimension,
      groups: [...groups.values()].sort(
        (a, b) => b.cost - a.cost || b.total_tokens - a.total_tokens || String(a.value).localeCompare(String(b.value)),
      ),
      valuesNotShown,
    })),
  };
}

interface KeptTrace {
  runs: RunSummary[];
  notShown: number;
  /** The earliest start among its runs: the trace's age. */
  start: number;
}

// A dated snapshot name: `claude-haiku-4-5-20251001`, `gpt-4o-2024-08-06`.
const DATED = /^(.+)-(\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * Moves the calls of a model that only requests named (a failed call says `claude-haiku-4-5`) into
 * the dated model the responses named (`claude-haiku-4-5-20251001`), when exactly one dated name
 * has it as its base: a failed call and its retry are then counted under one model.
 */
function groupRequestedNames(
  models: Map<string, ModelUsage>,
  responseNamed: ReadonlySet<string>,
  unpriced: Set<string>,
): Map<string, ModelUsage> {
  const datedByBase = new Map<string, string | null>(); // null: more than one dated name
  for (const name of responseNamed) {
    const base = DATED.exec(name)?.[1];
    if (base !== undefined) datedByBase.set(base, datedByBase.has(base) ? null : name);
  }
  for (const [name, usage] of models) {
    if (responseNamed.has(name)) continue;
    const dated = datedByBase.get(name);
    const into = dated == null ? undefined : models.get(dated);
    if (into === undefined) continue;
    mergeTotals(into, usage);
    models.delete(name);
    if (unpriced.delete(name)) unpriced.add(into.model);
  }
  return models;
}

function oldestTrace(kept: Map<string, KeptTrace>): [string, KeptTrace] | undefined {
  let oldest: [string, KeptTrace] | undefined;
  for (const entry of kept) if (oldest === undefined || entry[1].start < oldest[1].start) oldest = entry;
  return oldest;
}

interface Dimension {
  key: string;
  groups: Map<string | null, GroupUsage>;
  valuesNotShown: number;
}

function addToGroup(dimension: Dimension, run: Run, summary: RunSummary): void {
  let value = groupValue(run, dimension.key);
  let group = dimension.groups.get(value);
  if (!group && dimension.groups.size >= MAX_GROUP_VALUES) {
    dimension.valuesNotShown++;
    value = OTHER_VALUES;
    group = dimension.groups.get(value);
  }
  if (!group) dimension.groups.set(value, (group = { value, ...emptyTotals() }));
  addCall(group, summary);
}

// A run's value for a metadata key, as text (numbers and booleans as written, objects as JSON); null when absent.
function groupValue(run: Run, key: string): string | null {
  const extra = run.extra;
  const metadata =
    typeof extra === "object" && extra !== null ? (extra as Record<string, unknown>).metadata : undefined;
  if (typeof metadata !== "object" || metadata === null || !Object.hasOwn(metadata, key)) return null;
  const value = (metadata as Record<string, unknown>)[key];
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? null;
}

/**
 * Zeroed totals.
 *
 * @example
 * const totals = emptyTotals(); // { calls: 0, errors: 0, input_tokens: 0, … }
 */
export function emptyTotals(): UsageTotals {
  return {
    calls: 0,
    errors: 0,
    input_tokens: 0,
    cached_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    total_tokens: 0,
    cost: 0,
    unpriced_calls: 0,
  };
}

/**
 * Adds one LLM run to `totals` and returns `totals`.
 *
 * @example
 * const own = addCall(emptyTotals(), summary); // the run's own tokens and cost
 */
export function addCall(totals: UsageTotals, run: RunSummary): UsageTotals {
  totals.calls++;
  if (run.error) totals.errors++;
  const usage = run.usage;
  if (usage) {
    const input = usage.input_token_details ?? {};
    totals.input_tokens += usage.input_tokens;
    totals.cached_tokens += input.cache_read ?? 0;
    totals.cache_write_tokens += cacheWriteTokens(input);
    totals.output_tokens += usage.output_tokens;
    totals.reasoning_tokens += usage.output_token_details?.reasoning ?? 0;
    totals.total_tokens += usage.total_tokens;
    if (!run.cost) totals.unpriced_calls++;
  }
  if (run.cost) totals.cost += run.cost.total;
  return totals;
}

const TOTAL_KEYS = Object.keys(emptyTotals()) as (keyof UsageTotals)[];

// The totals' keys only: a ModelUsage's `model` name is not summed.
function mergeTotals(into: UsageTotals, from: UsageTotals): void {
  for (const key of TOTAL_KEYS) into[key] += from[key];
}

function buildTrace(traceId: string, runs: RunSummary[], runsNotShown: number): TraceReport {
  const nodes = new Map<string, RunNode>();
  for (const run of runs) nodes.set(run.id, { run, children: [], subtree: emptyTotals() });
  const roots: RunNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.run.parentId === undefined ? undefined : nodes.get(node.run.parentId);
    // A run whose parent is missing (filtered out, not written yet, truncated file) is a root.
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const visited = new Set<RunNode>();
  for (const root of roots) visit(root, visited);
  // Runs in a parent cycle are reachable from no root: show them as roots rather than drop them.
  for (const node of nodes.values()) {
    if (visited.has(node)) continue;
    for (const other of nodes.values()) other.children = other.children.filter((child) => child !== node);
    roots.push(node);
    visit(node, visited);
  }
  sortNodes(roots);
  const totals = emptyTotals();
  for (const root of roots) mergeTotals(totals, root.subtree);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const { run } of nodes.values()) {
    start = Math.min(start, run.start);
    end = Math.max(end, run.end ?? run.start);
  }
  return { traceId, roots, runCount: nodes.size, runsNotShown, start, end, totals };
}

/** Fills `subtree` totals bottom-up without recursion (trees can be deep). */
function visit(root: RunNode, visited: Set<RunNode>): void {
  const order: RunNode[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || visited.has(node)) continue;
    visited.add(node);
    order.push(node);
    for (const child of node.children) if (!visited.has(child)) stack.push(child);
  }
  for (const node of order.reverse()) {
    node.subtree = emptyTotals();
    if (node.run.runType === "llm") addCall(node.subtree, node.run);
    for (const child of node.children) mergeTotals(node.subtree, child.subtree);
    sortNodes(node.children);
  }
}

function sortNodes(nodes: RunNode[]): void {
  // dotted_order sorts siblings in execution order; start time breaks ties for foreign files.
  nodes.sort((a, b) => compare(a.run.dottedOrder, b.run.dottedOrder) || a.run.start - b.run.start);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
