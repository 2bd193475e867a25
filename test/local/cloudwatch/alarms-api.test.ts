/**
 * Metric alarms through the real SDK client on a hand-driven clock: M out of N, each treatment of missing
 * data over time, the "CloudWatch Alarm State Change" events, idempotent PutMetricAlarm, DescribeAlarms'
 * filters and pages, and validation errors.
 */
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchStandIn } from '../../../local/cloudwatch/stand-in.ts';
import {
  ACCOUNT,
  type LocalCloudWatch,
  REGION,
  START,
  startLocalCloudWatch,
} from './support/local-cloudwatch.ts';

const MINUTE = 60_000;
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

function alarm(overrides: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput {
  return {
    AlarmName: 'synergy-local-iris-drift',
    AlarmDescription: 'MaxPSI of iris above 0.25',
    Namespace: 'Synergy',
    MetricName: 'MaxPSI',
    Dimensions: DIMS,
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0.25,
    ComparisonOperator: 'GreaterThanThreshold',
    ...overrides,
  };
}

async function put(value: number, minutesAgo = 0): Promise<void> {
  await cw.client.send(
    new PutMetricDataCommand({
      Namespace: 'Synergy',
      MetricData: [
        {
          MetricName: 'MaxPSI',
          Dimensions: DIMS,
          Value: value,
          Timestamp: new Date(cw.now() - minutesAgo * MINUTE),
        },
      ],
    }),
  );
}

async function states(): Promise<Record<string, string | undefined>> {
  const { MetricAlarms = [] } = await cw.client.send(new DescribeAlarmsCommand({}));
  return Object.fromEntries(MetricAlarms.map((a) => [a.AlarmName, a.StateValue]));
}

/** One CloudWatch minute: the clock moves and the stack's tick evaluates every alarm. */
function tick(minutes = 1): void {
  cw.advance(minutes * MINUTE);
  cw.standIn.evaluateAlarms();
}

describe('alarm evaluation', () => {
  it('goes to ALARM on 2 breaching datapoints out of 3 and sends AWS’s state change event', async () => {
    await cw.client.send(new PutMetricAlarmCommand(alarm({ EvaluationPeriods: 3, DatapointsToAlarm: 2 })));
    await put(0.1);
    tick();
    await put(0.3);
    expect((await states())['synergy-local-iris-drift']).toBe('OK');
    tick();
    await put(0.5);
    expect((await states())['synergy-local-iris-drift']).toBe('ALARM');

    expect(cw.events.map((event) => event.detail.state.value)).toEqual(['OK', 'ALARM']);
    const event = cw.events[1];
    const arn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:synergy-local-iris-drift`;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: ACCOUNT,
      time: '2025-03-10T12:02:00Z',
      region: REGION,
      resources: [arn],
      detail: {
        alarmName: 'synergy-local-iris-drift',
        state: {
          value: 'ALARM',
          reason:
            'Threshold Crossed: 2 out of the last 3 datapoints [0.5 (10/03/25 12:02:00), 0.3 (10/03/25 12:01:00)] were greater than the threshold (0.25) (minimum 2 datapoints for OK -> ALARM transition).',
          reasonData: expect.any(String),
          timestamp: '2025-03-10T12:02:00.000+0000',
        },
        previousState: {
          value: 'OK',
          reason: expect.stringContaining('was not greater than the threshold (0.25)'),
          reasonData: expect.any(String),
          timestamp: '2025-03-10T12:00:00.000+0000',
        },
        configuration: {
          description: 'MaxPSI of iris above 0.25',
          metrics: [
            {
              id: expect.any(String),
              metricStat: {
                metric: {
                  namespace: 'Synergy',
                  name: 'MaxPSI',
                  dimensions: { service: 'synergy', model: 'iris' },
                },
                period: 60,
                stat: 'Maximum',
              },
              returnData: true,
            },
          ],
        },
      },
    });
    expect(JSON.parse(event.detail.state.reasonData ?? '')).toMatchObject({
      version: '1.0',
      statistic: 'Maximum',
      period: 60,
      recentDatapoints: [0.1, 0.3, 0.5],
      threshold: 0.25,
    });
  });

  it('treats missing data as missing, notBreaching, breaching or ignore', async () => {
    const treatments = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
    for (const treatment of treatments) {
      await cw.client.send(
        new PutMetricAlarmCommand(alarm({ AlarmName: treatment, TreatMissingData: treatment })),
      );
    }
    // No data at all.
    expect(await states()).toEqual({
      missing: 'INSUFFICIENT_DATA',
      notBreaching: 'OK',
      breaching: 'ALARM',
      ignore: 'INSUFFICIENT_DATA',
    });
    await put(0.9);
    expect(new Set(Object.values(await states()))).toEqual(new Set(['ALARM']));
    // The datapoint stays in the evaluation range (N + 2 periods) for two more minutes…
    tick(2);
    expect(new Set(Object.values(await states()))).toEqual(new Set(['ALARM']));
    // …then every period of the range is missing.
    tick();
    expect(await states()).toEqual({
      missing: 'INSUFFICIENT_DATA',
      notBreaching: 'OK',
      breaching: 'ALARM',
      ignore: 'ALARM',
    });
    const transitions = cw.events.map((event) => `${event.detail.alarmName}:${event.detail.state.value}`);
    expect(transitions).toEqual([
      'notBreaching:OK',
      'breaching:ALARM',
      'ignore:ALARM',
      'missing:ALARM',
      'notBreaching:ALARM',
      'missing:INSUFFICIENT_DATA',
      'notBreaching:OK',
    ]);
    const lastOk = cw.events[cw.events.length - 1].detail.state.reason;
    expect(lastOk).toBe(
      'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
    );
  });

  it('keeps the state of an alarm put again with the same definition, and re-evaluates a changed one', async () => {
    await cw.client.send(new PutMetricAlarmCommand(alarm()));
    await put(0.5);
    tick(1);
    const before = (await cw.client.send(new DescribeAlarmsCommand({}))).MetricAlarms?.[0];
    expect(before?.StateValue).toBe('ALARM');

    await cw.client.send(new PutMetricAlarmCommand(alarm({ Dimensions: [DIMS[1], DIMS[0]] })));
    const after = (await cw.client.send(new DescribeAlarmsCommand({}))).MetricAlarms?.[0];
    expect(after?.StateValue).toBe('ALARM');
    expect(after?.StateUpdatedTimestamp).toEqual(before?.StateUpdatedTimestamp);
    expect(after?.AlarmConfigurationUpdatedTimestamp).toEqual(before?.AlarmConfigurationUpdatedTimestamp);
    expect(cw.events).toHaveLength(1);

    await cw.client.send(new PutMetricAlarmCommand(alarm({ Threshold: 0.75 })));
    const raised = (await cw.client.send(new DescribeAlarmsCommand({}))).MetricAlarms?.[0];
    expect(raised).toMatchObject({ StateValue: 'OK', Threshold: 0.75 });
    expect(raised?.AlarmConfigurationUpdatedTimestamp).toEqual(new Date(cw.now()));
    expect(cw.events.map((event) => event.detail.previousState.value)).toEqual([
      'INSUFFICIENT_DATA',
      'ALARM',
    ]);
  });

  it('only counts datapoints of the alarm’s unit when it names one', async () => {
    await cw.client.send(
      new PutMetricAlarmCommand(alarm({ Unit: 'Count', TreatMissingData: 'notBreaching' })),
    );
    await put(0.9);
    expect((await states())['synergy-local-iris-drift']).toBe('OK');
  });

  it('logs a failing state change listener and still changes state', async () => {
    const logs: string[] = [];
    const standIn = new CloudWatchStandIn({
      region: REGION,
      accountId: ACCOUNT,
      now: () => START,
      onAlarmStateChange: () => {
        throw new Error('bus down');
      },
      log: (line) => logs.push(line),
    });
    standIn.handle('PutMetricAlarm', { ...alarm(), TreatMissingData: 'breaching' });
    const described = standIn.handle('DescribeAlarms', {}) as { MetricAlarms: { StateValue: string }[] };
    expect(described.MetricAlarms[0].StateValue).toBe('ALARM');
    expect(logs.join('\n')).toContain('bus down');
  });
});

describe('DescribeAlarms and DeleteAlarms', () => {
  beforeEach(async () => {
    for (const [name, treatment] of [
      ['synergy-local-a-drift', 'breaching'],
      ['synergy-local-a-accuracy', 'notBreaching'],
      ['synergy-local-b-drift', 'breaching'],
      ['other-alarm', 'missing'],
    ] as const) {
      await cw.client.send(
        new PutMetricAlarmCommand(alarm({ AlarmName: name, TreatMissingData: treatment })),
      );
    }
  });

  it('filters by names, prefix and state, sorted by name', async () => {
    const names = async (input: DescribeAlarmsCommandInput) =>
      ((await cw.client.send(new DescribeAlarmsCommand(input))).MetricAlarms ?? []).map((a) => a.AlarmName);
    expect(await names({ AlarmNames: ['synergy-local-b-drift', 'missing-one', 'other-alarm'] })).toEqual([
      'other-alarm',
      'synergy-local-b-drift',
    ]);
    expect(await names({ AlarmNamePrefix: 'synergy-local-' })).toEqual([
      'synergy-local-a-accuracy',
      'synergy-local-a-drift',
      'synergy-local-b-drift',
    ]);
    expect(await names({ StateValue: 'ALARM' })).toEqual(['synergy-local-a-drift', 'synergy-local-b-drift']);
    expect(await names({ AlarmNamePrefix: 'synergy-local-a', StateValue: 'OK' })).toEqual([
      'synergy-local-a-accuracy',
    ]);
    expect(await names({ AlarmTypes: ['CompositeAlarm'] })).toEqual([]);
  });

  it('pages with MaxRecords and NextToken', async () => {
    const first = await cw.client.send(new DescribeAlarmsCommand({ MaxRecords: 3 }));
    expect(first.MetricAlarms?.map((a) => a.AlarmName)).toEqual([
      'other-alarm',
      'synergy-local-a-accuracy',
      'synergy-local-a-drift',
    ]);
    const second = await cw.client.send(
      new DescribeAlarmsCommand({ MaxRecords: 3, NextToken: first.NextToken }),
    );
    expect(second.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['synergy-local-b-drift']);
    expect(second.NextToken).toBeUndefined();
    await expect(cw.client.send(new DescribeAlarmsCommand({ NextToken: 'bogus' }))).rejects.toMatchObject({
      name: 'InvalidNextToken',
    });
  });

  it('refuses AlarmNames with AlarmNamePrefix, and deletes alarms', async () => {
    await expect(
      cw.client.send(new DescribeAlarmsCommand({ AlarmNames: ['other-alarm'], AlarmNamePrefix: 'other' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombinationException' });
    await cw.client.send(new DeleteAlarmsCommand({ AlarmNames: ['other-alarm'] }));
    expect(Object.keys(await states())).not.toContain('other-alarm');
  });
});

describe('PutMetricAlarm validation', () => {
  it('refuses a bad enum, a missing threshold, and more datapoints to alarm than periods', async () => {
    await expect(
      cw.client.send(
        new PutMetricAlarmCommand(alarm({ ComparisonOperator: 'Above' as 'GreaterThanThreshold' })),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('ComparisonOperator'),
    });
    await expect(
      cw.client.send(new PutMetricAlarmCommand(alarm({ TreatMissingData: 'sometimes' }))),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('TreatMissingData'),
    });
    await expect(
      cw.client.send(new PutMetricAlarmCommand(alarm({ Threshold: undefined }))),
    ).rejects.toMatchObject({
      name: 'MissingRequiredParameterException',
      message: 'The parameter Threshold is required.',
    });
    await expect(
      cw.client.send(new PutMetricAlarmCommand(alarm({ EvaluationPeriods: 2, DatapointsToAlarm: 3 }))),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombinationException' });
    expect(await states()).toEqual({});
  });
});
