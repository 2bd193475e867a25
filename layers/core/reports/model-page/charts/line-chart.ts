/**
 * A metric over time: one line through the periods that had data (broken where periods are missing, so
 * a quiet stretch is not drawn as a trend), a dot per period (`data-point`, its time and value in the
 * tooltip), and the alarm's threshold as a dashed line over a shaded breach zone, its value labelled in
 * red on the axis (where no data covers it); dots in the zone are drawn in the alarm colour. Small multiples use the same chart with `compact` (fewer ticks, no axis
 * title) and a shared scale.
 */

import { CHAR_WIDTH, linearScale, round, svgFrame } from '../../charts/svg.ts';
import { escapeHtml } from '../../html.ts';
import { instantLabel, timeTicks } from './time-axis.ts';

/** Width of a tick label's character in viewBox units (the tick font is ~11 px). */
const TICK_CHAR_WIDTH = 6.5;

export interface LinePoint {
  /** Epoch ms: the start of the period. */
  readonly t: number;
  readonly value: number;
}

export interface Threshold {
  readonly value: number;
  /** Printed along the line: `floor 0.70`. */
  readonly label: string;
  /** Which side of the line the alarm fires on. */
  readonly breach: 'above' | 'below';
}

export interface LineChartSpec {
  readonly chart: string;
  /** `data-series` of the line and its points. */
  readonly series: string;
  readonly title: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  /** Epoch ms [from, to]. */
  readonly time: readonly [number, number];
  readonly y: readonly [number, number];
  readonly yTicks: readonly number[];
  readonly yFormat: (value: number) => string;
  readonly points: readonly LinePoint[];
  /** Consecutive points further apart than 1.5 periods are not joined. */
  readonly periodMs: number;
  readonly threshold?: Threshold;
  /** The name in each point's tooltip (`LiveAccuracy (min)`). */
  readonly valueName: string;
  readonly valueFormat: (value: number) => string;
  readonly compact?: boolean;
}

/** Tick labels are 11 px: this many viewBox units per character. */
const TICK_CHAR = CHAR_WIDTH * (11 / 12);
/** Above this many points the dots shrink to hover targets, and only breaching ones are filled. */
const DENSE = 60;

/**
 * Points further apart than this are not joined: three times the usual spacing (feedback may come every
 * few hours while the period is one), and never less than one and a half periods.
 */
export function gapAfter(sorted: readonly LinePoint[], periodMs: number): number {
  const spacings = sorted
    .slice(1)
    .map((p, i) => p.t - sorted[i].t)
    .sort((a, b) => a - b);
  const median = spacings.length === 0 ? periodMs : spacings[Math.floor(spacings.length / 2)];
  return Math.max(periodMs * 1.5, median * 3);
}

export function isBreach(value: number, threshold: Threshold | undefined): boolean {
  if (threshold === undefined) return false;
  return threshold.breach === 'above' ? value > threshold.value : value < threshold.value;
}

export function lineChart(spec: LineChartSpec): string {
  const compact = spec.compact ?? false;
  const labels = [...spec.yTicks, ...(spec.threshold === undefined ? [] : [spec.threshold.value])];
  const labelChars = Math.max(...labels.map((t) => spec.yFormat(t).length), 1);
  const left = Math.ceil(labelChars * TICK_CHAR) + 8;
  const right = spec.width - (compact ? 6 : 12);
  const top = compact ? 6 : 10;
  const bottom = spec.height - 20;
  const [t0, t1] = spec.time[1] > spec.time[0] ? spec.time : [spec.time[0] - 60_000, spec.time[0] + 60_000];
  const x = linearScale([t0, t1], [left, right]);
  const y = linearScale([spec.y[0], spec.y[1]], [bottom, top]);
  const clampY = (value: number) => Math.min(bottom, Math.max(top, y(value)));
  const parts: string[] = [];

  const thresholdY = spec.threshold === undefined || compact ? undefined : clampY(spec.threshold.value);
  for (const tick of spec.yTicks) {
    const ty = round(y(tick));
    parts.push(`<line class="gridline" x1="${left}" x2="${round(right)}" y1="${ty}" y2="${ty}"/>`);
    if (thresholdY === undefined || Math.abs(thresholdY - ty) >= 11) {
      parts.push(
        `<text class="tick" x="${left - 5}" y="${round(ty + 4)}" text-anchor="end">${escapeHtml(spec.yFormat(tick))}</text>`,
      );
    }
  }
  const time = timeTicks(t0, t1, compact ? 2 : 4);
  for (const tick of time.ticks) {
    const tx = round(x(tick));
    const label = time.format(tick);
    // A label centred on a tick near the right edge would be cut by the viewBox: end-align it there.
    const halfWidth = label.length * TICK_CHAR_WIDTH * 0.5;
    const atEdge = tx + halfWidth > spec.width;
    parts.push(
      `<line class="gridline" x1="${tx}" x2="${tx}" y1="${top}" y2="${round(bottom)}"/>`,
      `<text class="tick" x="${atEdge ? spec.width - 1 : tx}" y="${round(bottom + 14)}" text-anchor="${atEdge ? 'end' : 'middle'}">${escapeHtml(label)}</text>`,
    );
  }

  const threshold = spec.threshold;
  if (threshold !== undefined) {
    const ty = round(clampY(threshold.value));
    const zone = threshold.breach === 'above' ? { y: top, h: ty - top } : { y: ty, h: bottom - ty };
    parts.push(
      `<rect class="breach-zone" x="${left}" y="${round(zone.y)}" width="${round(right - left)}" height="${round(Math.max(0, zone.h))}"/>`,
      `<line class="threshold" data-threshold="${threshold.value}" x1="${left}" x2="${round(right)}" y1="${ty}" y2="${ty}"/>`,
    );
    if (!compact) {
      // On the axis, where no data point can cover it; a grid label it would touch is left out above.
      parts.push(
        `<text class="threshold-label" x="${left - 5}" y="${round(ty + 4)}" text-anchor="end"><title>${escapeHtml(threshold.label)}</title>${escapeHtml(spec.yFormat(threshold.value))}</text>`,
      );
    }
  }

  const sorted = [...spec.points].sort((a, b) => a.t - b.t);
  const gap = gapAfter(sorted, spec.periodMs);
  let path = '';
  sorted.forEach((point, i) => {
    const joined = i > 0 && point.t - sorted[i - 1].t <= gap;
    path += `${joined ? 'L' : 'M'}${round(x(point.t))} ${round(clampY(point.value))}`;
  });
  if (path !== '') {
    parts.push(`<path class="line" data-series="${escapeHtml(spec.series)}" d="${path}"/>`);
  }
  const dense = sorted.length > DENSE;
  const radius = compact ? (dense ? 1.4 : 2.2) : dense ? 1.8 : 3;
  for (const point of sorted) {
    const breach = isBreach(point.value, threshold);
    const cls = `point${breach ? ' breach' : ''}${dense ? ' dense' : ''}`;
    const tooltip = `${instantLabel(point.t)}: ${spec.valueName} ${spec.valueFormat(point.value)}${breach ? ' (breaches the alarm)' : ''}`;
    parts.push(
      `<circle class="${cls}" data-point="" data-series="${escapeHtml(spec.series)}" data-at="${new Date(point.t).toISOString()}" data-value="${point.value}" ` +
        `cx="${round(x(point.t))}" cy="${round(clampY(point.value))}" r="${radius}"><title>${escapeHtml(tooltip)}</title></circle>`,
    );
  }
  return svgFrame({
    chart: spec.chart,
    title: spec.title,
    description: spec.description,
    width: spec.width,
    height: spec.height,
    body: parts.join(''),
  });
}
