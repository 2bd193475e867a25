/**
 * The metric operations through the real @aws-sdk/client-cloudwatch: PutMetricData in its three forms
 * (Value, Values/Counts, StatisticValues; gzip-compressed when large), GetMetricStatistics per period with
 * the exact dimension set as identity, GetMetricData with MetricStat, and CloudWatch-shaped errors.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  type MetricDatum,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloudWatch, START, startLocalCloudWatch } from './support/local-cloudwatch.ts';

const MINUTE = 60_000;
const NS = 'Synergy';
const DIMS = [
  { Name: 'service', Value: 'synergy' },
  { Name: 'model', Value: 'iris' },
];

let cw: LocalCloudWatch;
beforeEach(async () => {
  cw = await startLocalCloudWatch();
});
afterEach(async () => {
  await cw.stop();
});

function statistics(client: CloudWatchClient, dimensions = DIMS, period = 300) {
  return client.send(
    new GetMetricStatisticsCommand({
      Namespace: NS,
      MetricName: 'Latency',
      Dimensions: dimensions,
      StartTime: new Date(START - 60 * MINUTE),
      EndTime: new Date(START),
      Period: period,
      Statistics: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'],
    }),
  );
}

describe('PutMetricData and GetMetricStatistics', () => {
  it('aggregates Value, Values/Counts and StatisticValues per period', async () => {
    const at = (minutesAgo: number) => new Date(START - minutesAgo * MINUTE);
    await cw.client.send(
      new PutMetricDataCommand({
        Namespace: NS,
        MetricData: [
          { MetricName: 'Latency', Dimensions: DIMS, Value: 10, Timestamp: at(14), Unit: 'Milliseconds' },
          {
            MetricName: 'Latency',
            Dimensions: DIMS,
            Values: [20, 40],
            Counts: [1, 3],
            Timestamp: at(12),
            Unit: 'Milliseconds',
          },
          {
            MetricName: 'Latency',
            Dimensions: DIMS,
            StatisticValues: { SampleCount: 4, Sum: 8, Minimum: 1, Maximum: 3 },
            Timestamp: at(3),
            Unit: 'Milliseconds',
          },
        ],
      }),
    );
    const result = await statistics(cw.client);
    expect(result.Label).toBe('Latency');
    expect(result.Datapoints).toEqual([
      // 11:45–11:50: 10 once, 20 once, 40 three times
      {
        Timestamp: at(15),
        SampleCount: 5,
        Sum: 150,
        Average: 30,
        Minimum: 10,
        Maximum: 40,
        Unit: 'Milliseconds',
      },
      { Timestamp: at(5), SampleCount: 4, Sum: 8, Average: 2, Minimum: 1, Maximum: 3, Unit: 'Milliseconds' },
    ]);
  });

  it('identifies a metric by its exact dimension set, in any order', async () => {
    await cw.client.send(
      new PutMetricDataCommand({
        Namespace: NS,
        MetricData: [
          { MetricName: 'Latency', Dimensions: DIMS, Value: 1, Timestamp: new Date(START - MINUTE) },
          { MetricName: 'Latency', Dimensions: [DIMS[1]], Value: 100, Timestamp: new Date(START - MINUTE) },
        ],
      }),
    );
    const reversed = await statistics(cw.client, [DIMS[1], DIMS[0]]);
    expect(reversed.Datapoints?.map((point) => point.Maximum)).toEqual([1]);
    const modelOnly = await statistics(cw.client, [DIMS[1]]);
    expect(modelOnly.Datapoints?.map((point) => point.Maximum)).toEqual([100]);
    const serviceOnly = await statistics(cw.client, [DIMS[0]]);
    expect(serviceOnly.Datapoints).toEqual([]);
  });

  it('accepts a gzip-compressed request (the SDK compresses bodies over 10 KB)', async () => {
    const data: MetricDatum[] = Array.from({ length: 400 }, (_, index) => ({
      MetricName: 'Latency',
      Dimensions: DIMS,
      Value: index,
      Timestamp: new Date(START - 30 * MINUTE + index * 1000),
    }));
    expect(JSON.stringify(data).length).toBeGreaterThan(10_240);
    await cw.client.send(new PutMetricDataCommand({ Namespace: NS, MetricData: data }));
    const result = await statistics(cw.client, DIMS, 3600);
    expect(result.Datapoints).toHaveLength(1);
    expect(result.Datapoints?.[0]).toMatchObject({
      SampleCount: 400,
      Minimum: 0,
      Maximum: 399,
      Sum: (399 * 400) / 2,
    });
  });
});

describe('GetMetricData', () => {
  it('answers MetricStat queries, newest first by default, and leaves out ReturnData false', async () => {
    await cw.client.send(
      new PutMetricDataCommand({
        Namespace: NS,
        MetricData: [1, 2, 3].map((value, index) => ({
          MetricName: 'MaxPSI',
          Dimensions: DIMS,
          Value: value,
          Timestamp: new Date(START - (3 - index) * 5 * MINUTE),
        })),
      }),
    );
    const metricStat = {
      Metric: { Namespace: NS, MetricName: 'MaxPSI', Dimensions: DIMS },
      Period: 300,
      Stat: 'Maximum',
    };
    const result = await cw.client.send(
      new GetMetricDataCommand({
        StartTime: new Date(START - 60 * MINUTE),
        EndTime: new Date(START),
        MetricDataQueries: [
          { Id: 'psi', MetricStat: metricStat, Label: 'max psi' },
          { Id: 'hidden', MetricStat: metricStat, ReturnData: false },
        ],
      }),
    );
    expect(result.MetricDataResults).toHaveLength(1);
    const [psi] = result.MetricDataResults ?? [];
    expect(psi).toMatchObject({ Id: 'psi', Label: 'max psi', StatusCode: 'Complete', Values: [3, 2, 1] });
    expect(psi.Timestamps).toEqual([5, 10, 15].map((minutes) => new Date(START - minutes * MINUTE)));

    const ascending = await cw.client.send(
      new GetMetricDataCommand({
        StartTime: new Date(START - 60 * MINUTE),
        EndTime: new Date(START),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [{ Id: 'psi', MetricStat: { ...metricStat, Stat: 'SampleCount' } }],
      }),
    );
    expect(ascending.MetricDataResults?.[0].Values).toEqual([1, 1, 1]);
    expect(ascending.MetricDataResults?.[0].Label).toBe('MaxPSI');
  });

  it('refuses a metric math expression with a clear error', async () => {
    await expect(
      cw.client.send(
        new GetMetricDataCommand({
          StartTime: new Date(START - MINUTE),
          EndTime: new Date(START),
          MetricDataQueries: [{ Id: 'total', Expression: 'SUM(METRICS())' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('metric math expression'),
    });
  });
});

describe('errors', () => {
  it('names a missing parameter (MissingParameter)', async () => {
    await expect(
      cw.client.send(new PutMetricDataCommand({ Namespace: NS, MetricData: [{ MetricName: 'Latency' }] })),
    ).rejects.toMatchObject({
      name: 'MissingRequiredParameterException',
      Error: { Code: 'MissingParameter' },
    });
  });

  it('refuses a bad unit, a bad period and a timestamp out of range (InvalidParameterValue)', async () => {
    const put = (datum: Partial<MetricDatum>) =>
      cw.client.send(
        new PutMetricDataCommand({
          Namespace: NS,
          MetricData: [{ Value: 1, ...datum, MetricName: 'Latency' }],
        }),
      );
    await expect(put({ Unit: 'Furlongs' as 'Count' })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      Error: { Code: 'InvalidParameterValue' },
      message: expect.stringContaining('MetricData.member.1.Unit'),
    });
    await expect(put({ Timestamp: new Date(START - 15 * 24 * 60 * MINUTE) })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('two weeks'),
    });
    await expect(statistics(cw.client, DIMS, 90)).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
  });

  it('refuses Value with StatisticValues (InvalidParameterCombination)', async () => {
    await expect(
      cw.client.send(
        new PutMetricDataCommand({
          Namespace: NS,
          MetricData: [
            {
              MetricName: 'Latency',
              Value: 1,
              StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombinationException' });
  });

  it('answers an operation it does not serve with UnknownOperationException', async () => {
    const { ListMetricsCommand } = await import('@aws-sdk/client-cloudwatch');
    await expect(cw.client.send(new ListMetricsCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
