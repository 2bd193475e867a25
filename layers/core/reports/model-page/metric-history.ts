/**
 * The metric history port: datapoints of CloudWatch metrics over a time range, one statistic per period.
 * The model page reads its live-accuracy and drift charts through it; layers/aws/cloudwatch-metric-history.ts
 * implements it with GetMetricData, tests with a list of generated points.
 */

/** The statistics CloudWatch keeps for every metric (no percentiles: the local stand-in has none). */
export type MetricStatistic = 'Average' | 'Minimum' | 'Maximum' | 'Sum' | 'SampleCount';

export interface MetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  /** Exactly the metric's dimension set (EMF from Powertools adds `service`). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: MetricStatistic;
  readonly periodSeconds: number;
  /** [from, to): the range the periods cover. */
  readonly from: Date;
  readonly to: Date;
}

/** One statistic per period that had data, oldest first; `values[i]` is the period starting `timestamps[i]`. */
export interface MetricSeries {
  readonly timestamps: readonly Date[];
  readonly values: readonly number[];
}

export interface MetricHistory {
  /** One series per query, in the order of the queries (an empty series when a metric has no data). */
  series(queries: readonly MetricQuery[], signal?: AbortSignal): Promise<MetricSeries[]>;
}
