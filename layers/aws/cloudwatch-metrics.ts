/**
 * Metrics sent with PutMetricData, for code that runs outside Lambda (the CLI's `synergy monitor`), where
 * no log pipeline turns EMF lines into metrics. The dimension set matches what Powertools' EMF produces in
 * a function (its default `service` dimension plus the metric's own), so the same alarms see both.
 */
import type { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { Metrics, MetricUnit } from '../core/ports.ts';

/** PutMetricData accepts at most 1,000 datums per call. */
const BATCH = 1000;

export class CloudWatchPutMetrics implements Metrics {
  private pending: MetricDatum[] = [];

  constructor(
    private readonly client: CloudWatchClient,
    private readonly namespace: string,
    private readonly defaultDimensions: Readonly<Record<string, string>>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(name: string, unit: MetricUnit, value: number, dimensions?: Readonly<Record<string, string>>): void {
    const all = { ...this.defaultDimensions, ...dimensions };
    this.pending.push({
      MetricName: name,
      Unit: unit as StandardUnit,
      Value: value,
      Timestamp: this.now(),
      Dimensions: Object.entries(all).map(([Name, Value]) => ({ Name, Value })),
    });
  }

  /** Sends what was added; nothing reaches CloudWatch before this. */
  async flush(): Promise<void> {
    const { PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
    const datums = this.pending;
    this.pending = [];
    for (let at = 0; at < datums.length; at += BATCH) {
      await this.client.send(
        new PutMetricDataCommand({ Namespace: this.namespace, MetricData: datums.slice(at, at + BATCH) }),
      );
    }
  }
}
