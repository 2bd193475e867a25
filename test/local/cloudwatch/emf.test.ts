/**
 * EMF ingestion: lines printed by @aws-lambda-powertools/metrics (through the project's PowertoolsMetrics
 * adapter, as the functions emit them) become datapoints GetMetricStatistics sees, with Powertools'
 * `service` dimension in the metric's identity; the specification's rules (dimension sets, arrays, Lambda
 * prefix, invalid documents dropped whole).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetMetricStatisticsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsMetrics } from '../../../layers/aws/powertools-metrics.ts';
import { type LocalCloudWatch, startLocalCloudWatch } from './support/local-cloudwatch.ts';

const HOUR = 3_600_000;

/** The lines Powertools writes to stdout while `act` runs. */
function linesPrintedBy(act: () => void): string[] {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    write.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '');
}

let cw: LocalCloudWatch;
let start: number;
beforeEach(async () => {
  vi.stubEnv('POWERTOOLS_DEV', '');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  // Powertools stamps lines with the real time, so the stand-in's clock starts there.
  start = Date.now();
  cw = await startLocalCloudWatch({ start });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await cw.stop();
});

async function maximum(metricName: string, dimensions: Record<string, string>) {
  const result = await cw.client.send(
    new GetMetricStatisticsCommand({
      Namespace: 'Synergy',
      MetricName: metricName,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      StartTime: new Date(start - HOUR),
      EndTime: new Date(start + HOUR),
      Period: 7200,
      Statistics: ['Maximum', 'SampleCount'],
    }),
  );
  return result.Datapoints ?? [];
}

describe('ingestLogLine with Powertools output', () => {
  it('turns a metric with dimensions into a datapoint of the metric {service, model}', async () => {
    const powertools = new Metrics({ namespace: 'Synergy', serviceName: 'synergy' });
    const lines = linesPrintedBy(() =>
      new PowertoolsMetrics(powertools).add('MaxPSI', 'None', 0.42, { model: 'iris' }),
    );
    expect(lines).toHaveLength(1);
    expect(lines.map((line) => cw.standIn.ingestLogLine(line))).toEqual([1]);

    expect(await maximum('MaxPSI', { service: 'synergy', model: 'iris' })).toMatchObject([
      { Maximum: 0.42, SampleCount: 1, Unit: 'None' },
    ]);
    expect(await maximum('MaxPSI', { model: 'iris' })).toEqual([]);
  });

  it('reads every metric of a flush, a repeated metric as an array of values', async () => {
    const powertools = new Metrics({ namespace: 'Synergy', serviceName: 'synergy' });
    const lines = linesPrintedBy(() => {
      powertools.addMetric('FeedbackRows', 'Count', 3);
      powertools.addMetric('FeedbackRows', 'Count', 5);
      powertools.addMetric('FeedbackMatched', 'Count', 2);
      powertools.publishStoredMetrics();
    });
    expect(lines).toHaveLength(1);
    expect(cw.standIn.ingestLogLine(lines[0])).toBe(3);
    expect(await maximum('FeedbackRows', { service: 'synergy' })).toMatchObject([
      { Maximum: 5, SampleCount: 2 },
    ]);
    expect(await maximum('FeedbackMatched', { service: 'synergy' })).toMatchObject([
      { Maximum: 2, SampleCount: 1 },
    ]);
  });

  it('accepts the document after a Lambda log prefix and ignores lines without EMF', () => {
    const powertools = new Metrics({ namespace: 'Synergy', serviceName: 'synergy' });
    const [line] = linesPrintedBy(() =>
      new PowertoolsMetrics(powertools).add('LiveAccuracy', 'None', 0.5, { model: 'm' }),
    );
    const prefixed = `${new Date(start).toISOString()}\t6f1d2c1e-1111-4c8e-9a55-3f1c2b0e9d11\tINFO\t${line}`;
    expect(cw.standIn.ingestLogLine(prefixed)).toBe(1);
    expect(cw.standIn.ingestLogLine('START RequestId: 6f1d2c1e Version: $LATEST')).toBe(0);
    expect(
      cw.standIn.ingestLogLine('{"level":"INFO","message":"no metrics here","_aws":"not metadata"}'),
    ).toBe(0);
    expect(cw.standIn.ingestLogLine(`${line} trailing text`)).toBe(0);
  });

  it('re-evaluates an alarm on its metric when an EMF line arrives', async () => {
    await cw.client.send(
      new PutMetricAlarmCommand({
        AlarmName: 'synergy-local-iris-drift',
        Namespace: 'Synergy',
        MetricName: 'MaxPSI',
        Dimensions: [
          { Name: 'service', Value: 'synergy' },
          { Name: 'model', Value: 'iris' },
        ],
        Statistic: 'Maximum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0.25,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    expect(cw.events.map((event) => event.detail.state.value)).toEqual(['OK']);
    const powertools = new Metrics({ namespace: 'Synergy', serviceName: 'synergy' });
    const [line] = linesPrintedBy(() =>
      new PowertoolsMetrics(powertools).add('MaxPSI', 'None', 0.6, { model: 'iris' }),
    );
    cw.standIn.ingestLogLine(line);
    expect(cw.events.map((event) => event.detail.state.value)).toEqual(['OK', 'ALARM']);
  });
});

describe('ingestLogLine with hand-written documents (the specification)', () => {
  function document(overrides: Record<string, unknown> = {}, directive: Record<string, unknown> = {}) {
    return JSON.stringify({
      _aws: {
        Timestamp: start,
        CloudWatchMetrics: [
          {
            Namespace: 'Synergy',
            Dimensions: [['service', 'model'], ['service'], []],
            Metrics: [{ Name: 'MonitoredRows', Unit: 'Count' }],
            ...directive,
          },
        ],
      },
      service: 'synergy',
      model: 'iris',
      MonitoredRows: [10, 30],
      requestId: 'not a dimension',
      ...overrides,
    });
  }

  it('publishes one metric per dimension set, the empty set included', async () => {
    expect(cw.standIn.ingestLogLine(document())).toBe(6);
    expect(await maximum('MonitoredRows', { service: 'synergy', model: 'iris' })).toMatchObject([
      { Maximum: 30 },
    ]);
    expect(await maximum('MonitoredRows', { service: 'synergy' })).toMatchObject([
      { Maximum: 30, SampleCount: 2 },
    ]);
    expect(await maximum('MonitoredRows', {})).toMatchObject([{ Maximum: 30, Unit: 'Count' }]);
  });

  it('drops a document whose targets break the rules, and logs why', async () => {
    expect(cw.standIn.ingestLogLine(document({ model: 42 }))).toBe(0);
    expect(cw.standIn.ingestLogLine(document({ MonitoredRows: 'ten' }))).toBe(0);
    expect(cw.standIn.ingestLogLine(document({}, { Dimensions: [] }))).toBe(0);
    expect(
      cw.standIn.ingestLogLine(document({}, { Metrics: [{ Name: 'MonitoredRows', Unit: 'Furlongs' }] })),
    ).toBe(0);
    expect(cw.logs).toHaveLength(4);
    expect(cw.logs[0]).toContain('"model"');
    expect(await maximum('MonitoredRows', { service: 'synergy' })).toEqual([]);
  });

  it('drops metrics stamped more than two hours ahead of the clock', () => {
    const ahead = JSON.stringify({
      ...JSON.parse(document()),
      _aws: { ...JSON.parse(document())._aws, Timestamp: start + 3 * HOUR },
    });
    expect(cw.standIn.ingestLogLine(ahead)).toBe(0);
    expect(cw.logs.join('\n')).toContain('2 hours');
  });
});
