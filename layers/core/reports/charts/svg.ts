/**
 * What every chart of the report shares: an accessible, responsive SVG frame (viewBox scaled to the
 * container's width, a title and a description read by screen readers) and labels cut to fit with the
 * whole text in a tooltip, so long column names never overlap their neighbours.
 */
import { escapeHtml, truncate } from '../html.ts';

/**
 * Glyph width of the report's sans-serif at font-size 12, in viewBox units: generous (DejaVu Sans, the
 * widest common default, averages about 7 for mixed text), because a label estimated too short overlaps
 * its neighbour while one estimated too long is only cut a little early.
 */
export const CHAR_WIDTH = 7.4;
/** Bold glyphs are about this much wider. */
export const BOLD_FACTOR = 1.12;
export const FONT_SIZE = 12;
/** Every chart's viewBox width: on a 390 px phone (≈ 358 px of content) text stays ≥ 10 px. */
export const CHART_WIDTH = 380;

export interface ChartFrame {
  /** The `data-chart` value tests and styles find the chart by. */
  readonly chart: string;
  readonly title: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly body: string;
}

export function svgFrame(frame: ChartFrame): string {
  const id = `chart-${frame.chart}`;
  return (
    `<svg class="chart" data-chart="${escapeHtml(frame.chart)}" role="img" ` +
    `aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${frame.width} ${round(frame.height)}" ` +
    `width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">${escapeHtml(frame.title)}</title>` +
    `<desc id="${id}-desc">${escapeHtml(frame.description)}</desc>` +
    `${frame.body}</svg>`
  );
}

/** Coordinates with at most two decimals keep the markup small and stable. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface LabelOptions {
  readonly x: number;
  readonly y: number;
  /** Characters that fit; a longer label is cut and gets its full text as a tooltip. */
  readonly maxChars: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly className?: string;
}

/** A text label that never runs past `maxChars`: cut with an ellipsis, the whole text in its <title>. */
export function svgLabel(text: string, options: LabelOptions): string {
  const { text: shown, cut } = truncate(text, Math.max(1, options.maxChars));
  const anchor = options.anchor ?? 'start';
  const cls = options.className === undefined ? '' : ` class="${options.className}"`;
  const tooltip = cut ? `<title>${escapeHtml(text)}</title>` : '';
  return (
    `<text x="${round(options.x)}" y="${round(options.y)}" text-anchor="${anchor}"${cls}>` +
    `${tooltip}${escapeHtml(shown)}</text>`
  );
}

/** How many characters of the report's font fit in `width` viewBox units (`scale`: size / 12, bold…). */
export function charsIn(width: number, scale = 1): number {
  return Math.max(1, Math.floor(width / (CHAR_WIDTH * scale)));
}

/** A linear scale from a domain to a pixel range. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Vertical grid lines with their tick labels under the plot. */
export function xAxis(options: {
  readonly ticks: readonly number[];
  readonly scale: (value: number) => number;
  readonly top: number;
  readonly bottom: number;
  readonly format: (value: number) => string;
}): string {
  return options.ticks
    .map((tick) => {
      const x = round(options.scale(tick));
      return (
        `<line class="gridline" x1="${x}" x2="${x}" y1="${round(options.top)}" y2="${round(options.bottom)}"/>` +
        `<text class="tick" x="${x}" y="${round(options.bottom + 14)}" text-anchor="middle">${escapeHtml(options.format(tick))}</text>`
      );
    })
    .join('');
}

/** Round-number ticks covering [min, max]: about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}
