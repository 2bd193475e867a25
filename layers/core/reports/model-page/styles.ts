/**
 * The model page's stylesheet: the run report's (same look, same narrow-screen rules) plus the alias
 * timeline, the metric lines and the small multiples of drift per feature.
 */
import { REPORT_CSS } from '../styles.ts';

export const MODEL_PAGE_CSS = `${REPORT_CSS}
.chart .line { fill: none; stroke: var(--accent); stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.chart .point { fill: var(--accent); stroke: #fff; stroke-width: 1; }
.chart .point.dense { fill-opacity: 0; stroke: none; }
.chart .point.breach { fill: var(--bad); fill-opacity: 1; }
.chart .threshold { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 5 4; }
.chart .breach-zone { fill: var(--bad); fill-opacity: 0.06; }
.chart .threshold-label { fill: var(--bad); font-size: 11px; font-weight: 600; }
.line-chart { max-width: 520px; }
td.wrap { min-width: 24ch; }
.badge.OK { color: var(--ok); } .badge.ALARM { color: var(--bad); } .badge.INSUFFICIENT_DATA, .badge.MISSING { color: var(--muted); }
.badge.alias { color: var(--accent); }
.alarms { display: grid; grid-template-columns: minmax(0, 1fr); gap: 10px; }
@media (min-width: 900px) { .alarms { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.alarm { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--panel); min-width: 0; }
.alarm[data-state="ALARM"] { border-color: var(--bad); border-left-width: 4px; }
.alarm-head { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; justify-content: space-between; }
.alarm p { margin: 6px 0 0; overflow-wrap: anywhere; }
.empty { border: 1px dashed var(--line); border-radius: 8px; padding: 14px 12px; color: var(--muted); background: var(--panel); overflow-wrap: anywhere; }
.timeline { display: grid; grid-template-columns: 6.2rem minmax(0, 1fr); gap: 6px 8px; margin: 12px 0 4px; }
.timeline .lane-name { align-self: center; color: var(--muted); font-size: 0.85rem; }
.timeline .track { position: relative; height: 30px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.timeline .span { position: absolute; top: 3px; bottom: 3px; min-width: 3px; padding: 0 5px; border-radius: 4px; color: #fff;
  font-size: 0.78rem; font-weight: 600; line-height: 22px; white-space: nowrap; overflow: hidden; box-shadow: inset -1px 0 0 #fff; }
.timeline .span.how-rollback { background-image: repeating-linear-gradient(135deg, rgba(255,255,255,0.28) 0 4px, transparent 4px 8px); }
.timeline .span.how-manual { box-shadow: inset 0 -3px 0 #fbbf24, inset -1px 0 0 #fff; }
.timeline .span.how-unrecorded { opacity: 0.6; }
.timeline .v0 { background: #2563eb; } .timeline .v1 { background: #0f766e; } .timeline .v2 { background: #7c3aed; }
.timeline .v3 { background: #c2410c; } .timeline .v4 { background: #be185d; } .timeline .v5 { background: #4d7c0f; }
.timeline .v6 { background: #475569; } .timeline .v7 { background: #a16207; }
.timeline .axis { grid-column: 2; position: relative; height: 18px; color: var(--muted); font-size: 0.72rem; }
.timeline .axis span { position: absolute; top: 0; white-space: nowrap; }
.timeline .axis .t-middle { transform: translateX(-50%); } .timeline .axis .t-end { transform: translateX(-100%); }
@media (max-width: 520px) { .timeline { grid-template-columns: 5.4rem minmax(0, 1fr); } .timeline .axis span:nth-child(even) { display: none; } }
ul.legend { list-style: none; padding: 0; margin: 4px 0 10px; display: flex; flex-wrap: wrap; gap: 4px 16px; color: var(--muted); font-size: 0.82rem; }
.multiples { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; margin: 10px 0; }
@media (min-width: 640px) { .multiples { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
@media (min-width: 900px) { .multiples { grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; } }
.multiples figure { border: 1px solid var(--line); border-radius: 8px; padding: 6px 6px 2px; min-width: 0; }
.multiples figure.drifting { border-color: var(--bad); }
.multiples figcaption { display: flex; justify-content: space-between; gap: 6px; color: var(--ink); font-size: 0.8rem; }
.multiples .fname { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.multiples .fval { color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.multiples .drifting .fval { color: var(--bad); font-weight: 600; }
.multiples .chart { max-width: none; }
.multiples .chart .tick { font-size: 11px; }
.multiples .empty { padding: 18px 8px; font-size: 0.8rem; text-align: center; }
`;
