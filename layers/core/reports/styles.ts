/**
 * The report's only stylesheet, inlined in the page (no CDN, works offline). Narrow screens get one
 * column and tables that scroll sideways inside their own box; long identifiers (URIs, digests, ARNs)
 * wrap anywhere rather than widen the page.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #0f172a; --muted: #475569; --line: #e2e8f0; --accent: #2563eb;
  --bar: #94a3b8; --ok: #15803d; --warn: #b45309; --bad: #b91c1c; --panel: #f8fafc; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 16px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 16px 0 6px; }
p { margin: 6px 0; }
.muted, figcaption, .note { color: var(--muted); font-size: 0.875rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.8rem; font-weight: 600;
  vertical-align: middle; border: 1px solid currentColor; }
.badge.SUCCEEDED { color: var(--ok); } .badge.FAILED { color: var(--bad); }
.badge.RUNNING, .badge.PENDING { color: var(--warn); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 16px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-width: 0; }
.card .k { color: var(--muted); font-size: 0.8rem; }
.card .v { font-size: 1.1rem; font-weight: 600; overflow-wrap: anywhere; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px 28px; }
@media (min-width: 900px) { .grid.two { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
figure { margin: 0; min-width: 0; }
.chart { display: block; width: 100%; height: auto; max-width: 480px; }
.chart text { font-size: 12px; fill: #334155; font-family: inherit; }
.chart .label.small { font-size: 11px; }
.chart .strong { font-weight: 700; fill: var(--ink); }
.chart .tick { fill: var(--muted); font-size: 11px; }
.chart .group { font-weight: 700; fill: var(--ink); }
.chart .axis-title { fill: var(--muted); font-size: 11px; }
.chart .gridline { stroke: var(--line); stroke-width: 1; }
.chart .zero { stroke: #64748b; stroke-width: 1; }
.chart .bar { fill: var(--bar); } .chart .bar.best { fill: var(--accent); }
.chart .whisker line { stroke: var(--ink); stroke-width: 1.5; }
.chart .value { fill: var(--ink); font-size: 11px; }
.chart .ink-light { fill: #fff; font-weight: 600; } .chart .ink-dark { fill: var(--ink); font-weight: 600; }
.chart .diagonal { stroke: var(--ink); stroke-width: 1; }
.chart .range { stroke: #94a3b8; stroke-width: 2; }
.chart .fold { fill: var(--accent); fill-opacity: 0.55; }
.chart .config.chosen .fold { fill-opacity: 0.9; }
.chart .config.stopped .fold { fill: var(--warn); }
.chart .mean { stroke: var(--ink); stroke-width: 2; }
.table-wrap { overflow-x: auto; max-width: 100%; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
th, td { padding: 6px 10px; text-align: left; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 12ch; }
tr.best td { background: #eff6ff; font-weight: 600; }
.cut { display: inline-block; max-width: 28ch; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
dl.facts { display: grid; grid-template-columns: minmax(0, max-content) minmax(0, 1fr); gap: 4px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
@media (max-width: 520px) { th, td { padding: 5px 7px; } dl.facts { grid-template-columns: minmax(0, 1fr); } dl.facts dd { margin-bottom: 6px; } }
ul.checks { list-style: none; padding: 0; margin: 8px 0; }
ul.checks li { padding: 4px 0; overflow-wrap: anywhere; }
.ok { color: var(--ok); font-weight: 700; } .warn { color: var(--warn); font-weight: 700; }
.error { border: 1px solid var(--bad); border-left-width: 4px; border-radius: 6px; padding: 10px 12px; background: #fef2f2; overflow-wrap: anywhere; }
details { margin: 10px 0; } summary { cursor: pointer; color: var(--accent); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.8rem; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.8rem; }
`;
