/**
 * The datapoints of every metric, in memory. As in CloudWatch, a metric is identified by its namespace,
 * its name and its exact dimension set (`{service, model}` and `{model}` are two different metrics).
 * Each stored datapoint is a statistic set (count, sum, min, max) with a timestamp and a unit: that is all
 * SampleCount, Average, Sum, Minimum and Maximum need, so a `Values` array or an EMF array collapses into
 * one. Datapoints older than the retention (CloudWatch keeps one-minute data for 15 days) are dropped.
 */

export interface MetricDimension {
  readonly name: string;
  readonly value: string;
}

export interface MetricId {
  readonly namespace: string;
  readonly name: string;
  /** In the order given; identity ignores the order. */
  readonly dimensions: readonly MetricDimension[];
}

export interface StatisticSet {
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
}

export interface StoredDatapoint extends StatisticSet {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly unit: string;
}

export const RETENTION_MS = 15 * 24 * 60 * 60 * 1000;

/** The identity of a metric: namespace, name and the dimension set sorted by name. */
export function metricKey(metric: MetricId): string {
  const dimensions = [...metric.dimensions]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((dimension) => [dimension.name, dimension.value]);
  return JSON.stringify([metric.namespace, metric.name, dimensions]);
}

interface Series {
  readonly metric: MetricId;
  /** Sorted by timestamp (stable: equal timestamps keep arrival order). */
  readonly points: StoredDatapoint[];
}

export class MetricStore {
  private readonly series = new Map<string, Series>();

  constructor(private readonly retentionMs: number = RETENTION_MS) {}

  /** Adds a datapoint (unless older than the retention at `nowMs`); returns the metric's key. */
  add(metric: MetricId, point: StoredDatapoint, nowMs: number): string {
    const key = metricKey(metric);
    const cutoff = nowMs - this.retentionMs;
    if (point.timestamp < cutoff) return key;
    let series = this.series.get(key);
    if (!series) {
      series = { metric, points: [] };
      this.series.set(key, series);
    }
    const { points } = series;
    if (points.length === 0 || points[points.length - 1].timestamp <= point.timestamp) points.push(point);
    else points.splice(upperBound(points, point.timestamp), 0, point);
    if (points[0].timestamp < cutoff) points.splice(0, lowerBound(points, cutoff));
    return key;
  }

  /** The datapoints of the metric with `key` whose timestamp is in [fromMs, toMs), in time order. */
  query(key: string, fromMs: number, toMs: number): readonly StoredDatapoint[] {
    const points = this.series.get(key)?.points;
    if (!points) return [];
    return points.slice(lowerBound(points, fromMs), lowerBound(points, toMs));
  }

  /** Drops every datapoint older than the retention at `nowMs`, and metrics left with none. */
  prune(nowMs: number): void {
    const cutoff = nowMs - this.retentionMs;
    for (const [key, { points }] of this.series) {
      if (points.length > 0 && points[0].timestamp < cutoff) points.splice(0, lowerBound(points, cutoff));
      if (points.length === 0) this.series.delete(key);
    }
  }

  /** Every stored datapoint with its metric (for rewriting the persisted file). */
  *entries(): Iterable<{ readonly metric: MetricId; readonly point: StoredDatapoint }> {
    for (const { metric, points } of this.series.values()) {
      for (const point of points) yield { metric, point };
    }
  }
}

/** First index whose timestamp is ≥ ms. */
function lowerBound(points: readonly StoredDatapoint[], ms: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (points[middle].timestamp < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index whose timestamp is > ms. */
function upperBound(points: readonly StoredDatapoint[], ms: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (points[middle].timestamp <= ms) low = middle + 1;
    else high = middle;
  }
  return low;
}
