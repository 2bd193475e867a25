import { afterEach, describe, expect, it, vi } from 'vitest';
import { BufferedMetrics, MAX_VALUES_PER_METRIC } from '../../layers/aws/buffered-metrics.ts';

interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: {
      readonly Namespace: string;
      readonly Dimensions: string[][];
      readonly Metrics: { Name: string; Unit: string }[];
    }[];
  };
  readonly [member: string]: unknown;
}

function collecting(options: ConstructorParameters<typeof BufferedMetrics>[0] = {}) {
  let now = 1_000_000;
  const lines: string[] = [];
  const metrics = new BufferedMetrics({
    intervalMs: 1000,
    clock: { now: () => new Date(now) },
    namespace: 'SynergyTest',
    service: 'synergy',
    write: (line) => lines.push(line),
    ...options,
  });
  return {
    metrics,
    advance: (ms: number) => {
      now += ms;
    },
    documents: () => lines.map((line) => JSON.parse(line) as EmfDocument),
  };
}

describe('BufferedMetrics', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('collects per dimension set and publishes one EMF document per set once the interval has passed', () => {
    const { metrics, advance, documents } = collecting();
    for (let i = 0; i < 10; i++) {
      metrics.add('PredictRequests', 'Count', 1, { model: 'm', alias: 'champion' });
      metrics.add('PredictLatency', 'Milliseconds', i, { alias: 'champion', model: 'm' });
      metrics.add('PredictRequests', 'Count', 1, { model: 'm', alias: 'challenger' });
    }
    advance(999);
    metrics.publishIfDue();
    expect(documents()).toEqual([]);
    advance(1);
    metrics.publishIfDue();
    const published = documents();
    expect(published).toHaveLength(2);
    const champion = published.find((document) => document.alias === 'champion');
    expect(champion).toEqual({
      _aws: {
        Timestamp: 1_001_000,
        CloudWatchMetrics: [
          {
            Namespace: 'SynergyTest',
            Dimensions: [['service', 'model', 'alias']],
            Metrics: [
              { Name: 'PredictRequests', Unit: 'Count' },
              { Name: 'PredictLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'synergy',
      model: 'm',
      alias: 'champion',
      PredictRequests: 10,
      PredictLatency: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
    expect(published.find((document) => document.alias === 'challenger')?.PredictRequests).toBe(10);
  });

  it('splits a long series into documents of at most 100 values, the summed count in the first only', () => {
    const { metrics, documents } = collecting();
    const latencies = Array.from({ length: 250 }, (_, i) => i / 10);
    for (const latency of latencies) {
      metrics.add('PredictRequests', 'Count', 1, { model: 'm' });
      metrics.add('PredictLatency', 'Milliseconds', latency, { model: 'm' });
    }
    metrics.publish();
    const published = documents();
    expect(published.map((document) => (document.PredictLatency as number[]).length)).toEqual([
      MAX_VALUES_PER_METRIC,
      MAX_VALUES_PER_METRIC,
      50,
    ]);
    expect(published.flatMap((document) => document.PredictLatency as number[])).toEqual(latencies);
    expect(published.map((document) => document.PredictRequests)).toEqual([250, undefined, undefined]);
    expect(published[1]._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'PredictLatency', Unit: 'Milliseconds' },
    ]);
  });

  it('writes a single value as a number, as EMF allows', () => {
    const { metrics, documents } = collecting();
    metrics.add('ShadowAgreement', 'Percent', 75, { model: 'm', alias: 'challenger' });
    metrics.publish();
    expect(documents()[0].ShadowAgreement).toBe(75);
  });

  it('publishes nothing twice and starts a new interval after a publish', () => {
    const { metrics, advance, documents } = collecting();
    metrics.add('PredictRequests', 'Count', 1, { model: 'm' });
    metrics.publish();
    expect(documents()).toHaveLength(1);
    metrics.add('PredictRequests', 'Count', 1, { model: 'm' });
    advance(500);
    metrics.publishIfDue();
    expect(documents()).toHaveLength(1);
    metrics.publish();
    expect(documents().map((document) => document.PredictRequests)).toEqual([1, 1]);
  });

  it('bounds the dimension sets it keeps by publishing early', () => {
    const { metrics, documents } = collecting({ intervalMs: 60_000, maxDimensionSets: 3 });
    for (let i = 0; i < 4; i++) metrics.add('PredictRequests', 'Count', 1, { model: `m${i}` });
    expect(documents().map((document) => document.model)).toEqual(['m0', 'm1', 'm2']);
  });

  it("reads Powertools' namespace, service and disabled switch from the environment at construction", () => {
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'FromEnv');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'svc');
    const lines: string[] = [];
    const metrics = new BufferedMetrics({ write: (line) => lines.push(line) });
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Changed');
    metrics.add('PredictRequests', 'Count', 2);
    metrics.publish();
    const [document] = lines.map((line) => JSON.parse(line) as EmfDocument);
    expect(document._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'FromEnv',
      Dimensions: [['service']],
    });
    expect(document.service).toBe('svc');

    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const silent: string[] = [];
    const disabled = new BufferedMetrics({ write: (line) => silent.push(line) });
    disabled.add('PredictRequests', 'Count', 1);
    disabled.publish();
    expect(silent).toEqual([]);
  });
});
