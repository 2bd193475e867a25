import type { Metrics as PowertoolsMetricsClient } from '@aws-lambda-powertools/metrics';
import type { Metrics, MetricUnit } from '../core/ports.ts';

/**
 * Metrics as CloudWatch EMF through Powertools. A metric with dimensions goes out on its own
 * (`singleMetric()`, flushed at once): dimensions added to the shared instance would apply to every
 * metric buffered with it until the next flush.
 */
export class PowertoolsMetrics implements Metrics {
  constructor(private readonly metrics: PowertoolsMetricsClient) {}

  add(name: string, unit: MetricUnit, value: number, dimensions?: Readonly<Record<string, string>>): void {
    if (dimensions === undefined || Object.keys(dimensions).length === 0) {
      this.metrics.addMetric(name, unit, value);
      return;
    }
    const single = this.metrics.singleMetric();
    single.addDimensions({ ...dimensions });
    single.addMetric(name, unit, value);
  }
}
