import { firstLine, formatCount, formatDuration, formatTime, formatUsd, table, terminalSafe } from "./format.js";
import {
  MAX_GROUP_VALUES,
  type GroupReport,
  type Report,
  type RunNode,
  type TraceReport,
  type UsageTotals,
} from "./report.js";

/** How the text report is drawn. */
export interface TextReportOptions {
  /** Mark errors in red (for terminals). */
  color?: boolean;
}

/**
 * Renders a report as plain text: each trace as a tree (name, type, model, duration, tokens,
 * cost, errors marked `✗`), then the per-model table with totals, then one table per `groupBy` dimension
 * (calls without the key under `(none)`). Costs estimated from the price
 * table are prefixed with `~`; recorded ones are not.
 *
 * @example
 * process.stdout.write(renderTextReport(await buildReport("traces.jsonl")));
 */
export function renderTextReport(report: Report, options: TextReportOptions = {}): string {
  const red = (text: string): string => (options.color ? `\u001b[31m${text}\u001b[39m` : text);
  const out: string[] = [];
  for (const trace of report.traces) out.push(renderTrace(trace, red), "");
  if (report.runsInOtherTraces > 0) {
    out.push(
      `… ${formatCount(report.runsInOtherTraces)} more matching runs in other traces (counted below; use --trace <id> or --max-traces to draw them)`,
      "",
    );
  }
  if (report.traces.length === 0) out.push("No matching runs.", "");
  out.push(renderModelTable(report));
  for (const group of report.groups) out.push("", renderGroupTable(group, report.totals));
  if (report.unpricedModels.length > 0) {
    const shown = report.unpricedModels.slice(0, MAX_LISTED_MODELS).map(terminalSafe).join(", ");
    const more = report.unpricedModels.length - MAX_LISTED_MODELS;
    out.push(
      "",
      `No price for: ${shown}${more > 0 ? ` and ${formatCount(more)} more` : ""} (register one with registerPrices)`,
    );
  }
  if (report.problemCount > 0) {
    out.push(
      "",
      `${formatCount(report.problemCount)} problem(s) in ${report.file}: malformed lines were skipped (listed on stderr)`,
    );
  }
  return `${out.join("\n")}\n`;
}

/** Unpriced models named in the text report; the rest are counted. */
const MAX_LISTED_MODELS = 20;

/** Tree levels drawn with indentation; deeper runs keep the last indentation and show their depth. */
const MAX_DRAWN_DEPTH = 48;

function renderTrace(trace: TraceReport, red: (text: string) => string): string {
  const head =
    `Trace ${terminalSafe(trace.traceId)}  ${formatTime(trace.start)}  ${formatDuration(trace.end - trace.start)}  ` +
    `${formatCount(trace.runCount)} run(s)${costText(trace.totals)}`;
  const lines = [head];
  // Depth-first without recursion (traces can be thousands deep); past MAX_DRAWN_DEPTH the tree
  // lines stop growing and the depth is written instead, so each line stays short (output linear).
  const stack: { node: RunNode; prefix: string; last: boolean; depth: number }[] = [];
  const pushChildren = (children: RunNode[], prefix: string, depth: number): void => {
    for (let index = children.length - 1; index >= 0; index--) {
      stack.push({ node: children[index] as RunNode, prefix, last: index === children.length - 1, depth });
    }
  };
  pushChildren(trace.roots, "", 0);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, prefix, last, depth } = item;
    const marker = depth >= MAX_DRAWN_DEPTH ? `[depth ${depth}] ` : "";
    lines.push(`${prefix}${last ? "└─ " : "├─ "}${marker}${describeRun(node, red)}`);
    const childPrefix = depth + 1 >= MAX_DRAWN_DEPTH ? prefix : `${prefix}${last ? "   " : "│  "}`;
    pushChildren(node.children, childPrefix, depth + 1);
  }
  if (trace.runsNotShown > 0) lines.push(`   … ${formatCount(trace.runsNotShown)} more runs of this trace not drawn`);
  return lines.join("\n");
}

function describeRun(node: RunNode, red: (text: string) => string): string {
  const { run } = node;
  const kind = run.model ? `${run.runType} ${terminalSafe(run.model)}` : run.runType;
  const parts = [
    `${terminalSafe(run.name)} (${kind})`,
    run.end === undefined ? "unfinished" : formatDuration(run.end - run.start),
  ];
  const ownUsage = run.runType === "llm";
  const totals = node.subtree;
  if (totals.input_tokens + totals.output_tokens > 0) parts.push(`${ownUsage ? "" : "Σ "}${tokensText(totals)}`);
  const cost = ownUsage ? run.cost : undefined;
  if (cost) parts.push(`${cost.source === "estimated" ? "~" : ""}${formatUsd(cost.total)}`);
  else if (!ownUsage && totals.cost > 0) parts.push(`Σ ${formatUsd(totals.cost)}`);
  else if (ownUsage && run.usage) parts.push("no price");
  let text = parts.join("  ");
  if (run.error) text += `  ${red(`✗ ERROR: ${terminalSafe(firstLine(run.error, 100))}`)}`;
  return text;
}

function tokensText(totals: UsageTotals): string {
  const input =
    totals.cached_tokens > 0
      ? `in ${formatCount(totals.input_tokens)} (cached ${formatCount(totals.cached_tokens)})`
      : `in ${formatCount(totals.input_tokens)}`;
  const output =
    totals.reasoning_tokens > 0
      ? `out ${formatCount(totals.output_tokens)} (reasoning ${formatCount(totals.reasoning_tokens)})`
      : `out ${formatCount(totals.output_tokens)}`;
  return `${input} ${output}`;
}

function costText(totals: UsageTotals): string {
  return totals.cost > 0 ? `  ${formatUsd(totals.cost)}` : "";
}

function renderModelTable(report: Report): string {
  const rows = report.models.map((model): [string, UsageTotals] => [model.model, model]);
  return `Usage by model\n${usageTable("model", rows, report.totals)}`;
}

function renderGroupTable(group: GroupReport, totals: UsageTotals): string {
  const rows = group.groups.map((row): [string, UsageTotals] => [row.value ?? "(none)", row]);
  const note =
    group.valuesNotShown > 0
      ? `\n${formatCount(group.valuesNotShown)} call(s) beyond ${formatCount(MAX_GROUP_VALUES)} values counted under (other)`
      : "";
  return `Usage by ${group.dimension}\n${usageTable(group.dimension, rows, totals)}${note}`;
}

function usageTable(label: string, rows: readonly [string, UsageTotals][], total: UsageTotals): string {
  const header = [label, "calls", "errors", "input", "cached", "output", "reasoning", "cost"];
  const row = (name: string, totals: UsageTotals): string[] => [
    name,
    formatCount(totals.calls),
    formatCount(totals.errors),
    formatCount(totals.input_tokens),
    formatCount(totals.cached_tokens),
    formatCount(totals.output_tokens),
    formatCount(totals.reasoning_tokens),
    totals.unpriced_calls > 0 && totals.cost === 0
      ? "no price"
      : `${formatUsd(totals.cost)}${totals.unpriced_calls > 0 ? ` (+${formatCount(totals.unpriced_calls)} unpriced)` : ""}`,
  ];
  return table(
    header,
    [...rows.map(([name, totals]) => row(terminalSafe(name), totals)), null, row("total", total)],
    new Set([1, 2, 3, 4, 5, 6, 7]),
  );
}
