/**
 * Metrics for a function that answers many small requests (predict): values are collected in memory per
 * dimension set and written as CloudWatch embedded metric format (EMF) lines at most once per interval,
 * at the end of an invocation — one document per dimension set, every metric of the set in it.
 *
 * Why not Powertools Metrics here (it stays the emitter everywhere else): its addMetric re-reads
 * process.env several times per call and publishes a line every 100 values; on the predict path that was
 * 23 of the handler's 50 µs per request (the handler called in a loop, as bench/serve-layers.ts's layer 5). This writes the same documents (same
 * namespace and `service` dimension, read once at init) from plain arrays.
 *
 * Counts (unit `Count`) are summed per interval: one value per document, so their Sum is exact and their
 * SampleCount counts publishes, not requests. Other units keep every value (latency percentiles need them),
 * 100 per metric per document as the EMF specification allows.
 *
 * What can be lost: values added since the last publish, at most `intervalMs` of traffic, when the
 * container is reclaimed before its next invocation. Values published late carry the publish time.
 */
import type { Clock, Metrics, MetricUnit } from '../core/ports.ts';

export interface BufferedMetricsOptions {
  readonly intervalMs?: number;
  readonly clock?: Clock;
  /** Distinct dimension sets kept before all are published and forgotten (bounds memory). */
  readonly maxDimensionSets?: number;
  /** CloudWatch namespace; default POWERTOOLS_METRICS_NAMESPACE, as Powertools reads it. */
  readonly namespace?: string;
  /** The `service` dimension; default POWERTOOLS_SERVICE_NAME, as Powertools reads it. */
  readonly service?: string;
  /** Default: POWERTOOLS_METRICS_DISABLED is not "true". */
  readonly enabled?: boolean;
  /** Where a line goes; default stdout, which Lambda sends to CloudWatch Logs. */
  readonly write?: (line: string) => void;
}

/** The EMF specification's limit on values per metric in one document. */
export const MAX_VALUES_PER_METRIC = 100;

const NO_DIMENSIONS = '';
const DEFAULT_NAMESPACE = 'default_namespace';
const DEFAULT_SERVICE = 'service_undefined';

interface Series {
  readonly unit: MetricUnit;
  readonly values: number[];
  sum: number;
}

interface DimensionSet {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly series: Map<string, Series>;
}

function keyOf(dimensions: Readonly<Record<string, string>> | undefined): string {
  if (dimensions === undefined) return NO_DIMENSIONS;
  const names = Object.keys(dimensions);
  if (names.length === 0) return NO_DIMENSIONS;
  names.sort();
  let key = '';
  for (const name of names) key += `${name}\u0000${dimensions[name]}\u0001`;
  return key;
}

export class BufferedMetrics implements Metrics {
  private readonly sets = new Map<string, DimensionSet>();
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly maxDimensionSets: number;
  private readonly namespace: string;
  private readonly service: string;
  private readonly enabled: boolean;
  private readonly write: (line: string) => void;
  private lastPublishMs: number;

  constructor(options: BufferedMetricsOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxDimensionSets = options.maxDimensionSets ?? 200;
    this.namespace =
      options.namespace ?? nonEmpty(process.env.POWERTOOLS_METRICS_NAMESPACE) ?? DEFAULT_NAMESPACE;
    this.service = options.service ?? nonEmpty(process.env.POWERTOOLS_SERVICE_NAME) ?? DEFAULT_SERVICE;
    this.enabled = options.enabled ?? process.env.POWERTOOLS_METRICS_DISABLED?.toLowerCase() !== 'true';
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.lastPublishMs = this.clock.now().getTime();
  }

  add(name: string, unit: MetricUnit, value: number, dimensions?: Readonly<Record<string, string>>): void {
    const key = keyOf(dimensions);
    let set = this.sets.get(key);
    if (set === undefined) {
      if (this.sets.size >= this.maxDimensionSets) this.publish();
      set = { dimensions: { ...dimensions }, series: new Map() };
      this.sets.set(key, set);
    }
    let series = set.series.get(name);
    if (series === undefined) {
      series = { unit, values: [], sum: 0 };
      set.series.set(name, series);
    }
    if (unit === 'Count') series.sum += value;
    else series.values.push(value);
  }

  /** Publishes when the interval has passed since the last publish; call at the end of each invocation. */
  publishIfDue(): void {
    if (this.clock.now().getTime() - this.lastPublishMs >= this.intervalMs) this.publish();
  }

  /** Publishes everything collected and forgets the dimension sets (new ones are made on demand). */
  publish(): void {
    const timestamp = this.clock.now().getTime();
    if (this.enabled) {
      for (const set of this.sets.values()) {
        for (const document of this.documentsOf(set, timestamp)) this.write(JSON.stringify(document));
      }
    }
    this.sets.clear();
    this.lastPublishMs = timestamp;
  }

  /** One document per 100 values of the longest series; a summed count goes in the first. */
  private documentsOf(set: DimensionSet, timestamp: number): Record<string, unknown>[] {
    const dimensionNames = ['service', ...Object.keys(set.dimensions).filter((name) => name !== 'service')];
    const documents: Record<string, unknown>[] = [];
    for (let offset = 0; ; offset += MAX_VALUES_PER_METRIC) {
      const metrics: { Name: string; Unit: MetricUnit }[] = [];
      const values: Record<string, number | number[]> = {};
      for (const [name, series] of set.series) {
        if (series.unit === 'Count') {
          if (offset > 0) continue;
          values[name] = series.sum;
        } else {
          const chunk = series.values.slice(offset, offset + MAX_VALUES_PER_METRIC);
          if (chunk.length === 0) continue;
          values[name] = chunk.length === 1 ? chunk[0] : chunk;
        }
        metrics.push({ Name: name, Unit: series.unit });
      }
      if (metrics.length === 0) return documents;
      documents.push({
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: [dimensionNames], Metrics: metrics }],
        },
        service: this.service,
        ...set.dimensions,
        ...values,
      });
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
