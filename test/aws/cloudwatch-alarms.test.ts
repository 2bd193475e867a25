/**
 * CloudWatchAlarms against a fake CloudWatch that records the commands: the exact PutMetricAlarm input
 * (dimensions as Name/Value pairs, datapoints to alarm, missing-data treatment), DescribeAlarms in chunks
 * of 100 names with pagination, states in the order asked with missing alarms left out, and SDK failures
 * reported as CloudWatchAlarmsError naming the alarm.
 */
import {
  type DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  LimitExceededFault,
  type MetricAlarm,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { CloudWatchAlarms, type CloudWatchSender } from '../../layers/aws/cloudwatch-alarms.ts';
import type { AlarmDefinition } from '../../layers/core/ports.ts';

/** CloudWatch as far as these two calls go: alarms by name, pages of `pageSize`. */
class FakeCloudWatch implements CloudWatchSender {
  readonly calls: Array<PutMetricAlarmCommand | DescribeAlarmsCommand> = [];
  readonly alarms = new Map<string, MetricAlarm>();
  failWith: Error | undefined;

  constructor(private readonly pageSize = 100) {}

  send(command: PutMetricAlarmCommand): Promise<PutMetricAlarmCommandOutput>;
  send(command: DescribeAlarmsCommand): Promise<DescribeAlarmsCommandOutput>;
  async send(
    command: PutMetricAlarmCommand | DescribeAlarmsCommand,
  ): Promise<PutMetricAlarmCommandOutput | DescribeAlarmsCommandOutput> {
    this.calls.push(command);
    if (this.failWith !== undefined) throw this.failWith;
    const $metadata = {};
    if (command instanceof PutMetricAlarmCommand) {
      const name = command.input.AlarmName ?? '';
      const existing = this.alarms.get(name);
      this.alarms.set(name, {
        ...command.input,
        StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
        StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
        StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? new Date('2026-01-01T00:00:00Z'),
      } as MetricAlarm);
      return { $metadata };
    }
    const names = command.input.AlarmNames ?? [];
    if (names.length > 100) throw new Error('fake: more than 100 AlarmNames');
    const matching = [...this.alarms.values()]
      .filter((alarm) => names.includes(alarm.AlarmName ?? ''))
      .sort((a, b) => (a.AlarmName ?? '').localeCompare(b.AlarmName ?? ''));
    const start = Number(command.input.NextToken ?? '0');
    const page = matching.slice(start, start + this.pageSize);
    const next = start + this.pageSize < matching.length ? String(start + this.pageSize) : undefined;
    return { $metadata, MetricAlarms: page, ...(next === undefined ? {} : { NextToken: next }) };
  }
}

const drift: AlarmDefinition = {
  name: 'synergy-test-iris-drift',
  description: 'drift of iris',
  namespace: 'Synergy',
  metricName: 'MaxPSI',
  dimensions: { service: 'synergy', model: 'iris' },
  statistic: 'Maximum',
  periodSeconds: 3600,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0.25,
  comparison: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
};

const setState = (cloudwatch: FakeCloudWatch, name: string, state: MetricAlarm['StateValue'], at: string) => {
  const alarm = cloudwatch.alarms.get(name);
  if (alarm === undefined) throw new Error(`no alarm ${name}`);
  cloudwatch.alarms.set(name, {
    ...alarm,
    StateValue: state,
    StateReason: `set to ${state}`,
    StateUpdatedTimestamp: new Date(at),
  });
};

describe('CloudWatchAlarms.ensure', () => {
  it('puts the alarm with every field of its definition', async () => {
    const cloudwatch = new FakeCloudWatch();
    await new CloudWatchAlarms(cloudwatch).ensure(drift);
    expect(cloudwatch.calls).toHaveLength(1);
    const [command] = cloudwatch.calls;
    expect(command).toBeInstanceOf(PutMetricAlarmCommand);
    expect(command.input).toEqual({
      AlarmName: 'synergy-test-iris-drift',
      AlarmDescription: 'drift of iris',
      Namespace: 'Synergy',
      MetricName: 'MaxPSI',
      Dimensions: [
        { Name: 'model', Value: 'iris' },
        { Name: 'service', Value: 'synergy' },
      ],
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 0.25,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('sends the same request for the same definition, whatever the order of its dimensions', async () => {
    const cloudwatch = new FakeCloudWatch();
    const alarms = new CloudWatchAlarms(cloudwatch);
    await alarms.ensure(drift);
    await alarms.ensure({ ...drift, dimensions: { model: 'iris', service: 'synergy' } });
    expect(cloudwatch.calls[1].input).toEqual(cloudwatch.calls[0].input);
  });

  it('reports a refused put as CloudWatchAlarmsError naming the alarm, keeping the cause', async () => {
    const cloudwatch = new FakeCloudWatch();
    const refusal = new LimitExceededFault({ message: 'too many alarms', $metadata: {} });
    cloudwatch.failWith = refusal;
    const failure = new CloudWatchAlarms(cloudwatch).ensure(drift);
    await expect(failure).rejects.toMatchObject({
      name: 'CloudWatchAlarmsError',
      message: 'PutMetricAlarm synergy-test-iris-drift failed: LimitExceededFault: too many alarms',
      context: { alarm: 'synergy-test-iris-drift', awsError: 'LimitExceededFault' },
      cause: refusal,
    });
  });
});

describe('CloudWatchAlarms.describe', () => {
  it('returns the states of the alarms that exist, in the order asked', async () => {
    const cloudwatch = new FakeCloudWatch();
    const alarms = new CloudWatchAlarms(cloudwatch);
    await alarms.ensure(drift);
    await alarms.ensure({ ...drift, name: 'synergy-test-iris-accuracy', metricName: 'LiveAccuracy' });
    setState(cloudwatch, 'synergy-test-iris-drift', 'ALARM', '2026-02-03T04:05:06Z');
    cloudwatch.calls.length = 0;

    const states = await alarms.describe([
      'synergy-test-iris-drift',
      'synergy-test-missing',
      'synergy-test-iris-accuracy',
    ]);
    expect(states).toEqual([
      {
        name: 'synergy-test-iris-drift',
        state: 'ALARM',
        reason: 'set to ALARM',
        updatedAt: '2026-02-03T04:05:06.000Z',
      },
      {
        name: 'synergy-test-iris-accuracy',
        state: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
    expect(cloudwatch.calls.map((command) => command.input)).toEqual([
      {
        AlarmNames: ['synergy-test-iris-drift', 'synergy-test-missing', 'synergy-test-iris-accuracy'],
        AlarmTypes: ['MetricAlarm'],
        MaxRecords: 100,
      },
    ]);
  });

  it('asks for at most 100 names per call and follows NextToken', async () => {
    const cloudwatch = new FakeCloudWatch(40);
    const alarms = new CloudWatchAlarms(cloudwatch);
    const names = Array.from(
      { length: 230 },
      (_, index) => `synergy-test-m${String(index).padStart(3, '0')}-drift`,
    );
    for (const name of names) await alarms.ensure({ ...drift, name });
    cloudwatch.calls.length = 0;

    const asked = [...names].reverse();
    const states = await alarms.describe(asked);
    expect(states.map((status) => status.name)).toEqual(asked);
    const describes = cloudwatch.calls.map(
      (command) => command.input as { AlarmNames: string[]; NextToken?: string },
    );
    expect(describes.map((input) => input.AlarmNames.length)).toEqual([100, 100, 100, 100, 100, 100, 30]);
    expect(describes.map((input) => input.NextToken)).toEqual([
      undefined,
      '40',
      '80',
      undefined,
      '40',
      '80',
      undefined,
    ]);
    expect(new Set(describes.flatMap((input) => input.AlarmNames)).size).toBe(230);
  });

  it('asks nothing for no names', async () => {
    const cloudwatch = new FakeCloudWatch();
    expect(await new CloudWatchAlarms(cloudwatch).describe([])).toEqual([]);
    expect(cloudwatch.calls).toEqual([]);
  });

  it('refuses an alarm in a state it does not know, naming it', async () => {
    const cloudwatch = new FakeCloudWatch();
    const alarms = new CloudWatchAlarms(cloudwatch);
    await alarms.ensure(drift);
    setState(cloudwatch, drift.name, 'SNOOZED' as MetricAlarm['StateValue'], '2026-01-01T00:00:00Z');
    await expect(alarms.describe([drift.name])).rejects.toMatchObject({
      name: 'CloudWatchAlarmsError',
      message: expect.stringContaining('synergy-test-iris-drift: SNOOZED'),
    });
  });

  it('reports a failed call as CloudWatchAlarmsError naming the alarms asked for', async () => {
    const cloudwatch = new FakeCloudWatch();
    const denied = Object.assign(new Error('not authorized to perform cloudwatch:DescribeAlarms'), {
      name: 'AccessDenied',
    });
    cloudwatch.failWith = denied;
    await expect(new CloudWatchAlarms(cloudwatch).describe([drift.name])).rejects.toMatchObject({
      name: 'CloudWatchAlarmsError',
      message: 'DescribeAlarms failed: AccessDenied: not authorized to perform cloudwatch:DescribeAlarms',
      context: { alarms: [drift.name], awsError: 'AccessDenied' },
      cause: denied,
    });
  });
});
