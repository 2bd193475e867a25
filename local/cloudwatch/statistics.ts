/** Statistics over stored datapoints, and the periods (buckets) CloudWatch aggregates them into. */
import type { StatisticSet, StoredDatapoint } from './metric-store.ts';

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type StatisticName = (typeof STATISTICS)[number];

export const STANDARD_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;
export type StandardUnit = (typeof STANDARD_UNITS)[number];

export function isStandardUnit(value: unknown): value is StandardUnit {
  return typeof value === 'string' && (STANDARD_UNITS as readonly string[]).includes(value);
}

/** Combines statistic sets; undefined for none. */
export function combine(sets: Iterable<StatisticSet>): StatisticSet | undefined {
  let sampleCount = 0;
  let sum = 0;
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  let any = false;
  for (const set of sets) {
    any = true;
    sampleCount += set.sampleCount;
    sum += set.sum;
    if (set.minimum < minimum) minimum = set.minimum;
    if (set.maximum > maximum) maximum = set.maximum;
  }
  return any ? { sampleCount, sum, minimum, maximum } : undefined;
}

export function statisticOf(set: StatisticSet, statistic: StatisticName): number {
  switch (statistic) {
    case 'SampleCount':
      return set.sampleCount;
    case 'Average':
      return set.sum / set.sampleCount;
    case 'Sum':
      return set.sum;
    case 'Minimum':
      return set.minimum;
    case 'Maximum':
      return set.maximum;
  }
}

export interface PeriodBucket {
  /** Epoch ms where the period starts. */
  readonly start: number;
  readonly set: StatisticSet;
}

/**
 * Groups time-ordered datapoints into periods of `periodMs` starting at `originMs` (earlier points are
 * ignored); only periods with data appear, in time order.
 */
export function bucketize(
  points: readonly StoredDatapoint[],
  originMs: number,
  periodMs: number,
): PeriodBucket[] {
  // Accumulates in place (no per-period arrays): alarms re-bucket their range on every evaluation.
  const buckets = new Map<number, { sampleCount: number; sum: number; minimum: number; maximum: number }>();
  for (const point of points) {
    if (point.timestamp < originMs) continue;
    const start = originMs + Math.floor((point.timestamp - originMs) / periodMs) * periodMs;
    const bucket = buckets.get(start);
    if (!bucket) {
      buckets.set(start, {
        sampleCount: point.sampleCount,
        sum: point.sum,
        minimum: point.minimum,
        maximum: point.maximum,
      });
      continue;
    }
    bucket.sampleCount += point.sampleCount;
    bucket.sum += point.sum;
    if (point.minimum < bucket.minimum) bucket.minimum = point.minimum;
    if (point.maximum > bucket.maximum) bucket.maximum = point.maximum;
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([start, set]) => ({ start, set }));
}

/** CloudWatch periods: 1, 5, 10, 20, 30 (high resolution) or a multiple of 60 seconds. */
export function isValidPeriod(seconds: number): boolean {
  return [1, 5, 10, 20, 30].includes(seconds) || (seconds > 0 && seconds % 60 === 0);
}
