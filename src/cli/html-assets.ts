// The inline stylesheet and script of `runledger html`: the page loads nothing from the network.

export const STYLE = `
:root { --bg:#fafafa; --fg:#1d1d1f; --muted:#6b7280; --line:#e5e7eb; --llm:#7c3aed; --chain:#2563eb;
  --tool:#059669; --retriever:#d97706; --other:#64748b; --error:#dc2626; --cached:#a78bfa; --input:#7c3aed; --output:#f59e0b; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header { padding:16px 24px; border-bottom:1px solid var(--line); background:#fff; }
h1 { font-size:20px; margin:0 0 4px; } h2 { font-size:16px; margin:24px 0 8px; } h3 { font-size:14px; margin:0; }
.summary { color:var(--muted); margin:0; }
.layout { display:grid; grid-template-columns:minmax(0,1fr) 320px; gap:24px; padding:0 24px 24px; }
section { min-width:0; }
.trace { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px; margin-bottom:16px; }
.trace-head { display:flex; gap:12px; align-items:baseline; flex-wrap:wrap; margin-bottom:8px; }
.trace-head .muted, .muted { color:var(--muted); font-size:12px; }
.row { display:grid; grid-template-columns:240px minmax(0,1fr) 210px; align-items:center; gap:8px; min-height:24px; }
.row:hover { background:#f3f4f6; }
.row.selected { background:#ede9fe; }
.label { white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.type { font-size:11px; color:var(--muted); margin-left:4px; }
.lane { position:relative; height:16px; background:repeating-linear-gradient(90deg, transparent 0 calc(25% - 1px), var(--line) calc(25% - 1px) 25%); }
.bar { position:absolute; top:2px; height:12px; min-width:2px; border-radius:3px; background:var(--other); cursor:pointer; }
.bar:focus { outline:2px solid var(--fg); outline-offset:1px; }
.bar.t-llm { background:var(--llm); } .bar.t-chain { background:var(--chain); } .bar.t-tool { background:var(--tool); }
.bar.t-retriever { background:var(--retriever); }
.bar.error { background:repeating-linear-gradient(45deg, var(--error) 0 4px, #f87171 4px 8px); }
.bar.unfinished { opacity:.5; }
.meta { font-size:12px; color:var(--muted); text-align:right; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.err { color:var(--error); font-weight:600; }
.axis { display:grid; grid-template-columns:240px minmax(0,1fr) 210px; gap:8px; font-size:11px; color:var(--muted); }
.axis .ticks { position:relative; height:16px; }
.axis .ticks span { position:absolute; transform:translateX(-50%); white-space:nowrap; }
.axis .ticks span:first-child { transform:none; } .axis .ticks span:last-child { transform:translateX(-100%); }
aside { position:sticky; top:16px; align-self:start; background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px; margin-top:24px; }
aside dl { display:grid; grid-template-columns:auto 1fr; gap:4px 12px; margin:8px 0 0; font-size:13px; }
aside dt { color:var(--muted); } aside dd { margin:0; word-break:break-word; white-space:pre-wrap; }
aside dd.block { grid-column:1 / -1; font:12px/1.4 ui-monospace, Menlo, monospace; background:#f9fafb;
  border:1px solid var(--line); border-radius:4px; padding:6px; max-height:320px; overflow:auto; }
#tooltip { position:fixed; z-index:10; pointer-events:none; background:#111827; color:#fff; padding:8px 10px; border-radius:6px;
  font-size:12px; max-width:360px; white-space:pre-line; box-shadow:0 4px 12px rgba(0,0,0,.2); }
table { border-collapse:collapse; background:#fff; font-size:13px; }
th, td { padding:4px 10px; border-bottom:1px solid var(--line); text-align:right; }
th:first-child, td:first-child { text-align:left; }
tfoot td { font-weight:600; }
.chart { background:#fff; border:1px solid var(--line); border-radius:8px; padding:8px; margin-bottom:12px; }
.legend { display:flex; gap:12px; font-size:12px; color:var(--muted); margin:4px 0 0 8px; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:-1px; }
`;

export const SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById("runledger-data").textContent);
  const tooltip = document.getElementById("tooltip");
  const panel = document.getElementById("run-details");
  const fields = [["Name","name"],["Type","type"],["Model","model"],["Provider","provider"],["Start","start"],
    ["Duration","duration"],["Input tokens","input"],["Cached input","cached"],["Cache writes","cacheWrite"],
    ["Output tokens","output"],["Reasoning","reasoning"],["Cost","cost"],["Error","error"],["Run id","id"],["Parent","parent"],["Inputs","inputs"],["Outputs","outputs"]];
  // The tooltip stays short: an error's first line (the panel has all of it), no inputs or outputs.
  const blocks = new Set(["inputs", "outputs"]);
  const lines = (run) => fields.filter(([, key]) => run[key] !== undefined && run[key] !== null && run[key] !== "")
    .map(([label, key]) => [label, String(run[key]), key]);
  const firstLine = (text) => { const end = text.indexOf("\\n"); return end < 0 ? text : text.slice(0, end) + " …"; };
  function show(run, event) {
    tooltip.textContent = lines(run).filter(([, , key]) => !blocks.has(key)).slice(0, 12)
      .map(([label, value, key]) => label + ": " + (key === "error" ? firstLine(value) : value)).join("\\n");
    tooltip.hidden = false;
    const x = Math.min(event.clientX + 12, window.innerWidth - tooltip.offsetWidth - 8);
    const y = Math.min(event.clientY + 12, window.innerHeight - tooltip.offsetHeight - 8);
    tooltip.style.left = x + "px"; tooltip.style.top = y + "px";
  }
  function select(id) {
    const run = data.runs[id];
    if (!run) return;
    document.querySelectorAll(".row.selected").forEach((row) => row.classList.remove("selected"));
    const row = document.querySelector('.row[data-run-id="' + id + '"]');
    if (row) row.classList.add("selected");
    const list = document.createElement("dl");
    for (const [label, value, key] of lines(run)) {
      const dt = document.createElement("dt"); dt.textContent = label;
      const dd = document.createElement("dd"); dd.textContent = value;
      if (key === "error") dd.className = "err";
      if (blocks.has(key)) dd.className = "block";
      list.append(dt, dd);
    }
    panel.replaceChildren(list);
  }
  for (const bar of document.querySelectorAll(".bar[data-run-id]")) {
    const run = data.runs[bar.dataset.runId];
    bar.addEventListener("mousemove", (event) => show(run, event));
    bar.addEventListener("mouseleave", () => { tooltip.hidden = true; });
    bar.addEventListener("click", () => select(bar.dataset.runId));
    bar.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") select(bar.dataset.runId); });
  }
})();
`;
