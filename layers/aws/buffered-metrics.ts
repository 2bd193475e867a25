/**
 * Metrics for a function that answers many small requests (predict). PowertoolsMetrics flushes one EMF
 * line per dimensioned metric, which costs ~0.1-0.2 ms each — several times the request itself. Here each
 * dimension set has its own Powertools Metrics instance (its dimensions as defaults) that collects values
 * (EMF carries up to 100 values per metric in one line; Powertools publishes early when one is full), and
 * everything is published at most once per interval, at the end of an invocation.
 *
 * What can be lost: values added since the last publish, at most `intervalMs` of traffic, when the
 * container is reclaimed before its next invocation. Values published late carry the publish time.
 */
import { Metrics as PowertoolsMetricsClient } from '@aws-lambda-powertools/metrics';
import type { Clock, Metrics, MetricUnit } from '../core/ports.ts';

export interface BufferedMetricsOptions {
  readonly intervalMs?: number;
  readonly clock?: Clock;
  /** Distinct dimension sets kept before all are published and forgotten (bounds memory). */
  readonly maxDimensionSets?: number;
  /** Test seam: how a collector for one dimension set is made. */
  readonly createCollector?: (dimensions: Readonly<Record<string, string>>) => PowertoolsMetricsClient;
}

const NO_DIMENSIONS = '';

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
  private readonly collectors = new Map<string, PowertoolsMetricsClient>();
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly maxDimensionSets: number;
  private readonly createCollector: (dimensions: Readonly<Record<string, string>>) => PowertoolsMetricsClient;
  private lastPublishMs: number;

  constructor(options: BufferedMetricsOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxDimensionSets = options.maxDimensionSets ?? 200;
    this.createCollector =
      options.createCollector ??
      ((dimensions) => new PowertoolsMetricsClient({ defaultDimensions: { ...dimensions } }));
    this.lastPublishMs = this.clock.now().getTime();
  }

  add(name: string, unit: MetricUnit, value: number, dimensions?: Readonly<Record<string, string>>): void {
    const key = keyOf(dimensions);
    let collector = this.collectors.get(key);
    if (collector === undefined) {
      if (this.collectors.size >= this.maxDimensionSets) this.publish();
      collector = this.createCollector(dimensions ?? {});
      this.collectors.set(key, collector);
    }
    collector.addMetric(name, unit, value);
  }

  /** Publishes when the interval has passed since the last publish; call at the end of each invocation. */
  publishIfDue(): void {
    if (this.clock.now().getTime() - this.lastPublishMs >= this.intervalMs) this.publish();
  }

  /** Publishes everything collected and forgets the dimension sets (new ones are made on demand). */
  publish(): void {
    for (const collector of this.collectors.values()) {
      if (collector.hasStoredMetrics()) collector.publishStoredMetrics();
    }
    this.collectors.clear();
    this.lastPublishMs = this.clock.now().getTime();
  }
}
