/**
 * A horizontal bar chart: one labelled row per bar, so labels of any length stay readable on a phone
 * (they are cut to the label column, whole in the tooltip). Bars start at zero and may be negative
 * (permutation importances can be). Each bar is marked `data-bar` so tests can count them.
 */
import { escapeHtml } from '../html.ts';
import {
  BOLD_FACTOR,
  CHAR_WIDTH,
  CHART_WIDTH,
  FONT_SIZE,
  linearScale,
  niceTicks,
  round,
  svgFrame,
  svgLabel,
  xAxis,
} from './svg.ts';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Printed after the bar. */
  readonly valueText: string;
  /** The bar's tooltip (what a screen reader or a hover shows). */
  readonly tooltip: string;
  /** Drawn in the accent colour (the best model). */
  readonly highlight?: boolean;
  /** A mean ± spread drawn over the bar (CV accuracy ± std). */
  readonly whisker?: { readonly low: number; readonly mid: number; readonly high: number };
}

export interface BarChartSpec {
  readonly chart: string;
  readonly title: string;
  readonly description: string;
  readonly bars: readonly Bar[];
  /** The value axis; widened to include 0 and every value. */
  readonly domain?: readonly [number, number];
  readonly tickFormat: (value: number) => string;
  /** Longest label column, in characters (default 22). */
  readonly maxLabelChars?: number;
}

const ROW = 24;
const BAR = 16;
const TOP = 6;
const AXIS = 24;
const VALUE_ROOM = 52;

export function barChart(spec: BarChartSpec): string {
  const values = spec.bars.flatMap((b) => [b.value, ...(b.whisker ? [b.whisker.low, b.whisker.high] : [])]);
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(0, spec.domain?.[0] ?? 0, ...finite);
  const hi = Math.max(spec.domain?.[1] ?? 0, ...finite, lo + 1e-9);
  const longest = Math.max(1, ...spec.bars.map((b) => [...b.label].length));
  const labelChars = Math.min(spec.maxLabelChars ?? 22, longest);
  const bold = spec.bars.some((b) => b.highlight) ? BOLD_FACTOR : 1;
  const left = Math.round(labelChars * CHAR_WIDTH * bold) + 10;
  const right = CHART_WIDTH - VALUE_ROOM;
  const x = linearScale([lo, hi], [left, right]);
  const plotBottom = TOP + spec.bars.length * ROW;
  const ticks = niceTicks(lo, hi, 5);
  const rows = spec.bars.map((bar, i) => {
    const y = TOP + i * ROW + (ROW - BAR) / 2;
    const value = Number.isFinite(bar.value) ? bar.value : 0;
    const x0 = x(Math.min(0, value));
    const width = Math.max(0.5, Math.abs(x(value) - x(0)));
    const cls = bar.highlight ? 'bar best' : 'bar';
    const whisker = bar.whisker
      ? `<g class="whisker" aria-hidden="true"><line x1="${round(x(bar.whisker.low))}" x2="${round(x(bar.whisker.high))}" y1="${round(y + BAR / 2)}" y2="${round(y + BAR / 2)}"/>` +
        `<line x1="${round(x(bar.whisker.mid))}" x2="${round(x(bar.whisker.mid))}" y1="${round(y + 2)}" y2="${round(y + BAR - 2)}"/></g>`
      : '';
    return (
      `<g class="row">` +
      svgLabel(bar.label, {
        x: left - 8,
        y: y + BAR / 2 + FONT_SIZE / 3,
        maxChars: labelChars,
        anchor: 'end',
        className: bar.highlight ? 'label strong' : 'label',
      }) +
      `<rect class="${cls}" data-bar="" data-label="${escapeHtml(bar.label)}" data-value="${value}" ` +
      `x="${round(x0)}" y="${round(y)}" width="${round(width)}" height="${BAR}" rx="2">` +
      `<title>${escapeHtml(bar.tooltip)}</title></rect>${whisker}` +
      `<text class="value" x="${round(Math.max(x(value), x(0), bar.whisker ? x(bar.whisker.high) : 0) + 4)}" y="${round(y + BAR / 2 + FONT_SIZE / 3)}">${escapeHtml(bar.valueText)}</text>` +
      `</g>`
    );
  });
  const zero =
    lo < 0
      ? `<line class="zero" x1="${round(x(0))}" x2="${round(x(0))}" y1="${TOP}" y2="${plotBottom}"/>`
      : '';
  const body =
    xAxis({ ticks, scale: x, top: TOP, bottom: plotBottom, format: spec.tickFormat }) + zero + rows.join('');
  return svgFrame({
    chart: spec.chart,
    title: spec.title,
    description: spec.description,
    width: CHART_WIDTH,
    height: plotBottom + AXIS,
    body,
  });
}
