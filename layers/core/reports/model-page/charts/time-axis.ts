/**
 * Time ticks for the model page's charts: round UTC instants (minutes, hours, days), at most `count` + 1
 * of them across the range, labelled as short as the step allows (`14:30`, `Jan 5`, `Jan 5 14:00`), because a
 * phone has room for four or five labels under a chart.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  365 * DAY,
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface TimeTicks {
  /** Epoch ms, inside [from, to]. */
  readonly ticks: readonly number[];
  readonly format: (ms: number) => string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function dayLabel(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

export function clockLabel(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `2026-01-05 14:30 UTC` for tooltips; tables under a "times in UTC" heading pass `zone` ''. */
export function instantLabel(iso: string | number, zone = ' UTC'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clockLabel(d.getTime())}${zone}`;
}

export function timeTicks(from: number, to: number, count = 4): TimeTicks {
  const span = Math.max(MINUTE, to - from);
  const step = STEPS.find((s) => span / s <= count) ?? STEPS[STEPS.length - 1];
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  const format =
    step >= DAY
      ? dayLabel
      : span > DAY
        ? (ms: number) => (ms % DAY === 0 ? dayLabel(ms) : `${dayLabel(ms)} ${clockLabel(ms)}`)
        : clockLabel;
  return { ticks, format };
}
