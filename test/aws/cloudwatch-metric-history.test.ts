/**
 * CloudWatchMetricHistory against a fake GetMetricData that pages (a query's points split over pages,
 * NextToken) and refuses more than 500 queries per call: batching, one call per time range, answers in
 * query order, points oldest first, failures named; then against the local CloudWatch stand-in through
 * the real SDK (PutMetricData in, the alarms' statistics out).
 */
import {
  type GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataResult,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudWatchMetricHistory,
  CloudWatchMetricHistoryError,
  type MetricDataSender,
  QUERIES_PER_CALL,
} from '../../layers/aws/cloudwatch-metric-history.ts';
import type { MetricQuery } from '../../layers/core/reports/model-page/metric-history.ts';
import {
  type LocalCloudWatch,
  START,
  startLocalCloudWatch,
} from '../local/cloudwatch/support/local-cloudwatch.ts';

const HOUR = 3_600_000;
const FROM = new Date('2026-03-01T00:00:00.000Z');
const TO = new Date('2026-03-02T00:00:00.000Z');

/** The points the fake holds for a metric: `<metric>|<dims sorted>`. */
function keyOf(metricName: string, dimensions: readonly { Name?: string; Value?: string }[]): string {
  return `${metricName}|${dimensions.map((d) => `${d.Name}=${d.Value}`).join(',')}`;
}

class FakeCloudWatch implements MetricDataSender {
  readonly calls: GetMetricDataCommand[] = [];
  readonly data = new Map<string, { t: Date; v: number }[]>();
  status: MetricDataResult['StatusCode'] = 'Complete';
  failWith: Error | undefined;

  /** Points per page, over all queries of a call. */
  constructor(private readonly pageSize = 7) {}

  async send(command: GetMetricDataCommand): Promise<GetMetricDataCommandOutput> {
    this.calls.push(command);
    if (this.failWith) throw this.failWith;
    const input = command.input;
    const queries = input.MetricDataQueries ?? [];
    if (queries.length > QUERIES_PER_CALL) throw new Error(`fake: ${queries.length} queries in one call`);
    const from = input.StartTime?.getTime() ?? 0;
    const to = input.EndTime?.getTime() ?? 0;
    // Every (query, point) of the call in order, then one page of them.
    const all = queries.flatMap((q) => {
      const metric = q.MetricStat?.Metric;
      const points = (this.data.get(keyOf(metric?.MetricName ?? '', metric?.Dimensions ?? [])) ?? [])
        .filter((p) => p.t.getTime() >= from && p.t.getTime() < to)
        .sort((a, b) => a.t.getTime() - b.t.getTime());
      if (input.ScanBy !== 'TimestampAscending') points.reverse();
      return points.map((p) => ({ id: q.Id ?? '', ...p }));
    });
    const offset = Number(input.NextToken ?? '0');
    const page = all.slice(offset, offset + this.pageSize);
    const results: MetricDataResult[] = queries
      .map((q) => q.Id ?? '')
      .filter((id) => page.some((p) => p.id === id) || offset === 0)
      .map((id) => ({
        Id: id,
        Timestamps: page.filter((p) => p.id === id).map((p) => p.t),
        Values: page.filter((p) => p.id === id).map((p) => p.v),
        StatusCode: this.status,
        Messages: this.status === 'Forbidden' ? [{ Code: 'Forbidden', Value: 'no access' }] : [],
      }));
    const next = offset + this.pageSize < all.length ? String(offset + this.pageSize) : undefined;
    return { $metadata: {}, MetricDataResults: results, ...(next === undefined ? {} : { NextToken: next }) };
  }
}

const query = (feature: string, range: { from: Date; to: Date } = { from: FROM, to: TO }): MetricQuery => ({
  namespace: 'Synergy',
  metricName: 'FeaturePSI',
  dimensions: { service: 'synergy', model: 'm', feature },
  stat: 'Maximum',
  periodSeconds: 3600,
  ...range,
});

/** Dimension order as the adapter sends it (sorted by name). */
const featureKey = (feature: string) =>
  keyOf('FeaturePSI', [
    { Name: 'feature', Value: feature },
    { Name: 'model', Value: 'm' },
    { Name: 'service', Value: 'synergy' },
  ]);

describe('CloudWatchMetricHistory', () => {
  it('batches 500 queries per call and answers in query order across pages', async () => {
    const cloudwatch = new FakeCloudWatch(37);
    const features = Array.from({ length: 1203 }, (_, i) => `f${i}`);
    features.forEach((feature, i) => {
      // A different number of hourly points per feature (0 to 4), so answers cannot line up by accident.
      cloudwatch.data.set(
        featureKey(feature),
        Array.from({ length: i % 5 }, (_, h) => ({ t: new Date(FROM.getTime() + h * HOUR), v: i + h / 10 })),
      );
    });
    const series = await new CloudWatchMetricHistory(cloudwatch).series(features.map((f) => query(f)));

    const sizes = [...new Set(cloudwatch.calls.map((c) => c.input.MetricDataQueries?.length))];
    expect(sizes).toEqual([500, 203]);
    const firstOfEach = cloudwatch.calls.filter((c) => c.input.NextToken === undefined);
    expect(firstOfEach.map((c) => c.input.MetricDataQueries?.length)).toEqual([500, 500, 203]);
    expect(cloudwatch.calls.length).toBeGreaterThan(3); // pages were followed
    expect(series).toHaveLength(features.length);
    series.forEach((s, i) => {
      expect(s.values).toEqual(Array.from({ length: i % 5 }, (_, h) => i + h / 10));
      expect(s.timestamps.map((t) => t.getTime())).toEqual(
        Array.from({ length: i % 5 }, (_, h) => FROM.getTime() + h * HOUR),
      );
    });
    const first = cloudwatch.calls[0].input;
    expect(first.ScanBy).toBe('TimestampAscending');
    expect(first.StartTime).toEqual(FROM);
    expect(first.MetricDataQueries?.[1]).toEqual({
      Id: 'q1',
      MetricStat: {
        Metric: {
          Namespace: 'Synergy',
          MetricName: 'FeaturePSI',
          Dimensions: [
            { Name: 'feature', Value: 'f1' },
            { Name: 'model', Value: 'm' },
            { Name: 'service', Value: 'synergy' },
          ],
        },
        Period: 3600,
        Stat: 'Maximum',
      },
      ReturnData: true,
    });
  });

  it('makes one call per time range and sorts points that arrive newest first', async () => {
    const cloudwatch = new FakeCloudWatch(2);
    const points = [3, 1, 2].map((h) => ({ t: new Date(FROM.getTime() + h * HOUR), v: h }));
    cloudwatch.data.set(featureKey('a'), points);
    cloudwatch.data.set(featureKey('b'), points);
    const later = { from: new Date(FROM.getTime() + 2 * HOUR), to: TO };
    const history = new CloudWatchMetricHistory({
      // A CloudWatch that ignores ScanBy: pages come newest first.
      send: (command: GetMetricDataCommand) => {
        command.input.ScanBy = 'TimestampDescending';
        return cloudwatch.send(command);
      },
    });
    const [a, b, a2] = await history.series([query('a'), query('b', later), query('a')]);
    expect(a.values).toEqual([1, 2, 3]);
    expect(a2.values).toEqual([1, 2, 3]);
    expect(b.values).toEqual([2, 3]);
    const ranges = new Set(cloudwatch.calls.map((c) => c.input.StartTime?.toISOString()));
    expect(ranges).toEqual(new Set([FROM.toISOString(), later.from.toISOString()]));
    expect(await history.series([])).toEqual([]);
  });

  it('names the metrics when GetMetricData fails or refuses a query', async () => {
    const cloudwatch = new FakeCloudWatch();
    cloudwatch.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const history = new CloudWatchMetricHistory(cloudwatch);
    const failure = await history.series([query('a')]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CloudWatchMetricHistoryError);
    expect((failure as Error).message).toBe('GetMetricData failed: ThrottlingException: Rate exceeded');
    expect((failure as CloudWatchMetricHistoryError).context.metrics).toEqual([
      'FeaturePSI{service=synergy,model=m,feature=a} Maximum/3600s',
    ]);
    expect((failure as Error).cause).toBe(cloudwatch.failWith);

    cloudwatch.failWith = undefined;
    cloudwatch.status = 'Forbidden';
    await expect(history.series([query('a')])).rejects.toThrow(
      /could not read FeaturePSI\{service=synergy,model=m,feature=a\} Maximum\/3600s: Forbidden \(Forbidden no access\)/,
    );
  });
});

describe('CloudWatchMetricHistory on the local CloudWatch', () => {
  let cw: LocalCloudWatch | undefined;
  afterEach(async () => {
    await cw?.stop();
  });

  it('reads back what PutMetricData stored, per period, with the asked statistic', async () => {
    cw = await startLocalCloudWatch();
    const dims = [
      { Name: 'service', Value: 'synergy' },
      { Name: 'model', Value: 'iris' },
    ];
    const at = (hoursAgo: number, minutes = 0) => new Date(START - hoursAgo * HOUR + minutes * 60_000);
    await cw.client.send(
      new PutMetricDataCommand({
        Namespace: 'Synergy',
        MetricData: [
          { MetricName: 'LiveAccuracy', Dimensions: dims, Timestamp: at(5, 10), Value: 0.9 },
          { MetricName: 'LiveAccuracy', Dimensions: dims, Timestamp: at(5, 40), Value: 0.6 },
          { MetricName: 'LiveAccuracy', Dimensions: dims, Timestamp: at(2, 5), Value: 0.8 },
          { MetricName: 'MaxPSI', Dimensions: dims, Timestamp: at(3, 1), Value: 0.1 },
          { MetricName: 'MaxPSI', Dimensions: dims, Timestamp: at(3, 2), Value: 0.4 },
          // Another dimension set: not the model's metric.
          { MetricName: 'MaxPSI', Dimensions: [dims[1]], Timestamp: at(3, 3), Value: 9 },
        ],
      }),
    );
    const range = { from: new Date(START - 6 * HOUR), to: new Date(START) };
    const base = {
      namespace: 'Synergy',
      dimensions: { service: 'synergy', model: 'iris' },
      periodSeconds: 3600,
      ...range,
    };
    const [accuracy, psi, average, none] = await new CloudWatchMetricHistory(cw.client).series([
      { ...base, metricName: 'LiveAccuracy', stat: 'Minimum' },
      { ...base, metricName: 'MaxPSI', stat: 'Maximum' },
      { ...base, metricName: 'LiveAccuracy', stat: 'Average' },
      { ...base, metricName: 'FeaturePSI', stat: 'Maximum' },
    ]);
    expect(accuracy.timestamps).toEqual([at(5), at(2)]);
    expect(accuracy.values).toEqual([0.6, 0.8]);
    expect(psi.timestamps).toEqual([at(3)]);
    expect(psi.values).toEqual([0.4]);
    expect(average.values[0]).toBeCloseTo(0.75, 12);
    expect(none).toEqual({ timestamps: [], values: [] });
  });
});
