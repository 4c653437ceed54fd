import { formatCount, formatDuration, formatTime, formatUsd } from "./format.js";
import { SCRIPT, STYLE } from "./html-assets.js";
import {
  addCall,
  emptyTotals,
  MAX_GROUP_VALUES,
  type GroupReport,
  type Report,
  type RunNode,
  type TraceReport,
  type UsageTotals,
} from "./report.js";

/** What the page shows of a run on hover and in the side panel (all values display-ready). */
interface RunDetails {
  id: string;
  name: string;
  type: string;
  model?: string;
  provider?: string;
  parent?: string;
  start: string;
  duration: string;
  input?: string;
  cached?: string;
  cacheWrite?: string;
  output?: string;
  reasoning?: string;
  cost?: string;
  error?: string;
  inputs?: string;
  outputs?: string;
}

/**
 * Renders a report as one self-contained HTML page: no network (a Content-Security-Policy forbids
 * it), inline CSS and JS, run details embedded as JSON that cannot close its `<script>`. Each
 * trace is a waterfall (bars placed by start and end time, rows nested by depth; hover for tokens
 * and cost, click for the side panel), after a per-model usage chart in inline SVG and table, and a
 * chart and table per `groupBy` dimension.
 *
 * @example
 * writeFileSync("report.html", renderHtmlReport(await buildReport("traces.jsonl")));
 */
export function renderHtmlReport(report: Report): string {
  const runs: Record<string, RunDetails> = {};
  const traces = report.traces.map((trace) => renderTrace(trace, runs)).join("\n");
  const totals = report.totals;
  const modelRows = report.models.map((model) => ({ name: model.model, totals: model }));
  const summary =
    `${escapeHtml(report.file)} · ${formatCount(report.runs)} runs · ${formatCount(totals.calls)} LLM calls · ` +
    `${formatCount(totals.input_tokens)} input / ${formatCount(totals.output_tokens)} output tokens · ${formatUsd(totals.cost)}`;
  const more =
    report.runsInOtherTraces > 0
      ? `<p class="muted">${formatCount(report.runsInOtherTraces)} more matching runs in other traces are counted in the totals but not drawn.</p>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>runledger report · ${escapeHtml(report.file)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>runledger report</h1><p class="summary" id="summary">${summary}</p></header>
<div class="layout">
<section>
<h2>Usage by model</h2>
${renderUsageChart(modelRows, "Tokens and cost by model", "model")}
${renderUsageTable(modelRows, totals, "model", "model")}
${report.groups.map((group) => renderGroup(group, totals)).join("\n")}
<h2>Traces</h2>
${traces || '<p class="muted">No matching runs.</p>'}
${more}
</section>
<aside><h3>Run details</h3><div id="run-details"><p class="muted">Click a bar to see its run.</p></div></aside>
</div>
<div id="tooltip" role="tooltip" hidden></div>
<script type="application/json" id="runledger-data">${embedJson({ runs })}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function renderTrace(trace: TraceReport, runs: Record<string, RunDetails>): string {
  const span = Math.max(trace.end - trace.start, 1e-3);
  const rows: string[] = [];
  // Depth-first without recursion: traces can be thousands deep.
  const stack: { node: RunNode; depth: number }[] = [];
  const pushChildren = (children: RunNode[], depth: number): void => {
    for (let index = children.length - 1; index >= 0; index--) stack.push({ node: children[index] as RunNode, depth });
  };
  pushChildren(trace.roots, 0);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    rows.push(renderRow(item.node, item.depth, trace, span));
    runs[item.node.run.id] = details(item.node);
    pushChildren(item.node.children, item.depth + 1);
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((at) => `<span style="left:${at * 100}%">${formatDuration(span * at)}</span>`)
    .join("");
  const notShown =
    trace.runsNotShown > 0
      ? `<p class="muted">${formatCount(trace.runsNotShown)} more runs of this trace not drawn.</p>`
      : "";
  return `<div class="trace" data-trace-id="${escapeHtml(trace.traceId)}">
<div class="trace-head"><h3>Trace ${escapeHtml(trace.traceId)}</h3><span class="muted">${formatTime(trace.start)} · ${formatDuration(trace.end - trace.start)} · ${formatCount(trace.runCount)} runs · ${formatUsd(trace.totals.cost)}</span></div>
<div class="axis"><span></span><div class="ticks">${ticks}</div><span></span></div>
${rows.join("\n")}
${notShown}
</div>`;
}

function renderRow(node: RunNode, depth: number, trace: TraceReport, span: number): string {
  const { run } = node;
  const left = ((run.start - trace.start) / span) * 100;
  const end = run.end ?? trace.end;
  const width = (Math.max(end - run.start, 0) / span) * 100;
  const classes = ["bar", `t-${run.runType}`, run.error ? "error" : "", run.end === undefined ? "unfinished" : ""]
    .filter(Boolean)
    .join(" ");
  const meta = [
    run.end === undefined ? "unfinished" : formatDuration(run.end - run.start),
    run.usage ? `${formatCount(run.usage.total_tokens)} tok` : "",
    run.cost ? formatUsd(run.cost.total) : "",
  ]
    .filter(Boolean)
    .join(" · ");
  const error = run.error ? ' <span class="err" title="error">✗</span>' : "";
  return `<div class="row" data-run-id="${run.id}" data-depth="${depth}">
<div class="label" style="padding-left:${depth * 14}px">${escapeHtml(run.name)}<span class="type">${escapeHtml(run.runType)}</span>${error}</div>
<div class="lane"><div class="${classes}" data-run-id="${run.id}" data-duration-ms="${(end - run.start).toFixed(3)}" tabindex="0" role="button" aria-label="${escapeHtml(`${run.name} ${run.runType}`)}" style="left:${left.toFixed(4)}%;width:${width.toFixed(4)}%"></div></div>
<div class="meta">${meta}</div>
</div>`;
}

function details(node: RunNode): RunDetails {
  const { run } = node;
  const result: RunDetails = {
    id: run.id,
    name: run.name,
    type: run.runType,
    start: formatTime(run.start),
    duration: run.end === undefined ? "unfinished" : formatDuration(run.end - run.start),
  };
  if (run.model) result.model = run.model;
  if (run.provider) result.provider = run.provider;
  if (run.parentId) result.parent = run.parentId;
  // An LLM run shows its own usage; another run the sum of the LLM calls beneath it.
  const own = run.runType === "llm";
  const usage = own ? addCall(emptyTotals(), run) : node.subtree;
  if (usage.input_tokens + usage.output_tokens > 0) {
    const mark = own ? "" : "Σ ";
    result.input = mark + formatCount(usage.input_tokens);
    result.cached = mark + formatCount(usage.cached_tokens);
    result.cacheWrite = mark + formatCount(usage.cache_write_tokens);
    result.output = mark + formatCount(usage.output_tokens);
    result.reasoning = mark + formatCount(usage.reasoning_tokens);
  }
  if (own && run.cost) result.cost = `${run.cost.source === "estimated" ? "~" : ""}${formatUsd(run.cost.total)}`;
  else if (own && run.usage) result.cost = "no price";
  else if (usage.cost > 0) result.cost = `Σ ${formatUsd(usage.cost)}`;
  if (run.error) result.error = run.error;
  if (run.inputs !== undefined) result.inputs = run.inputs;
  if (run.outputs !== undefined) result.outputs = run.outputs;
  return result;
}

/** One bar and table row: a model, or a value of a `--group-by` dimension. */
interface UsageRow {
  name: string;
  totals: UsageTotals;
}

function renderGroup(group: GroupReport, total: UsageTotals): string {
  const rows = group.groups.map((row) => ({ name: row.value ?? "(none)", totals: row }));
  const note =
    group.valuesNotShown > 0
      ? `<p class="muted">${formatCount(group.valuesNotShown)} calls beyond ${formatCount(MAX_GROUP_VALUES)} values are counted under (other).</p>`
      : "";
  return `<h2>Usage by ${escapeHtml(group.dimension)}</h2>
<div data-group-by="${escapeHtml(group.dimension)}">
${renderUsageChart(rows, `Tokens and cost by ${group.dimension}`, "group")}
${renderUsageTable(rows, total, group.dimension, "group")}
</div>${note}`;
}

function renderUsageChart(items: readonly UsageRow[], label: string, kind: "model" | "group"): string {
  if (items.length === 0) return '<p class="muted">No LLM calls.</p>';
  const rowHeight = 28;
  const labelWidth = 220;
  const barWidth = 360;
  const costX = labelWidth + barWidth + 24;
  // Largest values by a loop: spreading 100k+ models into Math.max overflows the call stack.
  let maxTokens = 1;
  let maxCost = 1e-12;
  for (const { totals } of items) {
    maxTokens = Math.max(maxTokens, totals.input_tokens + totals.output_tokens);
    maxCost = Math.max(maxCost, totals.cost);
  }
  const rows = items.map(({ name, totals }, index) => {
    const y = 24 + index * rowHeight;
    const scale = barWidth / maxTokens;
    const cached = totals.cached_tokens * scale;
    const input = (totals.input_tokens - totals.cached_tokens) * scale;
    const output = totals.output_tokens * scale;
    const cost = (totals.cost / maxCost) * 120;
    const title = `${name}: ${formatCount(totals.calls)} calls, ${formatCount(totals.input_tokens)} input (${formatCount(totals.cached_tokens)} cached), ${formatCount(totals.output_tokens)} output, ${formatUsd(totals.cost)}`;
    return `<g class="${kind}-row" data-${kind}="${escapeHtml(name)}"><title>${escapeHtml(title)}</title>
<text x="8" y="${y + 13}" font-size="12">${escapeHtml(name)}</text>
<rect class="seg-cached" x="${labelWidth}" y="${y}" width="${cached.toFixed(2)}" height="18" fill="var(--cached)"/>
<rect class="seg-input" x="${(labelWidth + cached).toFixed(2)}" y="${y}" width="${input.toFixed(2)}" height="18" fill="var(--input)"/>
<rect class="seg-output" x="${(labelWidth + cached + input).toFixed(2)}" y="${y}" width="${output.toFixed(2)}" height="18" fill="var(--output)"/>
<rect class="seg-cost" x="${costX}" y="${y}" width="${cost.toFixed(2)}" height="18" fill="#10b981"/>
<text x="${(costX + cost + 6).toFixed(2)}" y="${y + 13}" font-size="12">${escapeHtml(formatUsd(totals.cost))}</text></g>`;
  });
  const height = 24 + items.length * rowHeight + 8;
  return `<div class="chart"><svg role="img" aria-label="${escapeHtml(label)}" width="100%" viewBox="0 0 ${costX + 220} ${height}" preserveAspectRatio="xMinYMin meet">
<text x="${labelWidth}" y="14" font-size="11" fill="#6b7280">tokens</text><text x="${costX}" y="14" font-size="11" fill="#6b7280">cost</text>
${rows.join("\n")}
</svg>
<div class="legend"><span><i style="background:var(--cached)"></i>cached input</span><span><i style="background:var(--input)"></i>input</span><span><i style="background:var(--output)"></i>output</span><span><i style="background:#10b981"></i>cost</span></div></div>`;
}

function renderUsageTable(
  items: readonly UsageRow[],
  total: UsageTotals,
  label: string,
  kind: "model" | "group",
): string {
  const cells = (name: string, totals: UsageTotals): string =>
    `<td>${escapeHtml(name)}</td><td>${formatCount(totals.calls)}</td><td>${formatCount(totals.errors)}</td><td>${formatCount(totals.input_tokens)}</td><td>${formatCount(totals.cached_tokens)}</td><td>${formatCount(totals.output_tokens)}</td><td>${formatCount(totals.reasoning_tokens)}</td><td>${totals.unpriced_calls > 0 && totals.cost === 0 ? "no price" : formatUsd(totals.cost)}</td>`;
  const body = items.map(({ name, totals }) => `<tr data-${kind}="${escapeHtml(name)}">${cells(name, totals)}</tr>`);
  const id = kind === "model" ? ' id="models"' : "";
  return `<table${id}><thead><tr><th>${escapeHtml(label)}</th><th>calls</th><th>errors</th><th>input</th><th>cached</th><th>output</th><th>reasoning</th><th>cost</th></tr></thead>
<tbody>${body.join("")}</tbody><tfoot><tr>${cells("total", total)}</tr></tfoot></table>`;
}

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * escapeHtml(`<b title="x">`); // → "&#60;b title=&#34;x&#34;&#62;"
 */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * JSON safe to place inside a `<script>` element: `<`, `>`, `&` and the JavaScript line
 * separators are written as escapes, so no string in the data can close the element.
 *
 * @example
 * embedJson({ name: "</script>" }); // → '{"name":"\u003c/script\u003e"}'
 */
function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
