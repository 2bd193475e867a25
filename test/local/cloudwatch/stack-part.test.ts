/** The stack part evaluates every alarm at each whole minute of the stack's clock. */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, expect, it } from 'vitest';
import { SimulatedClock } from '../../../local/clock.ts';
import { startCloudWatch } from '../../../local/cloudwatch/stack-part.ts';
import { ACCOUNT, REGION, START } from './support/local-cloudwatch.ts';

const clock = new SimulatedClock({ start: START, speed: 0 });
afterEach(() => clock.close());

it('moves an alarm when the clock passes minutes without data', async () => {
  const events: string[] = [];
  const started = await startCloudWatch({
    config: { region: REGION, accountId: ACCOUNT },
    clock,
    onAlarmStateChange: (event) => events.push(event.detail.state.value),
  });
  const client = new CloudWatchClient({
    endpoint: started.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'Synergy',
        // Writers stamp real time; the stack maps it onto its clock (here frozen at START).
        MetricData: [{ MetricName: 'MaxPSI', Value: 0.9, Timestamp: new Date() }],
      }),
    );
    await client.send(
      new PutMetricAlarmCommand({
        AlarmName: 'drift',
        Namespace: 'Synergy',
        MetricName: 'MaxPSI',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0.25,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    expect(events).toEqual(['ALARM']);
    await clock.advance(2 * 60_000);
    expect(events).toEqual(['ALARM']); // still within the evaluation range (N + 2 periods)
    await clock.advance(60_000);
    expect(events).toEqual(['ALARM', 'OK']);
    const { MetricAlarms = [] } = await client.send(new DescribeAlarmsCommand({ AlarmNames: ['drift'] }));
    expect(MetricAlarms[0].StateUpdatedTimestamp).toEqual(new Date(START + 3 * 60_000));
  } finally {
    client.destroy();
    await started.stop();
  }
});
