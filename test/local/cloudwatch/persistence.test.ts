/**
 * With a directory, a new stand-in (a fresh stack) sees the metrics and alarm states of an earlier one;
 * datapoints past the 15-day retention are dropped and the file compacted; a torn line is skipped.
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { START, startLocalCloudWatch } from './support/local-cloudwatch.ts';

const DAY = 24 * 3_600_000;
const DIMS = [{ Name: 'model', Value: 'iris' }];

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cloudwatch-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function sum(cw: Awaited<ReturnType<typeof startLocalCloudWatch>>, from: number, to: number) {
  const { Datapoints = [] } = await cw.client.send(
    new GetMetricStatisticsCommand({
      Namespace: 'Synergy',
      MetricName: 'FeedbackRows',
      Dimensions: DIMS,
      StartTime: new Date(from),
      EndTime: new Date(to),
      Period: 86_400,
      Statistics: ['Sum'],
    }),
  );
  return Datapoints.reduce((total, point) => total + (point.Sum ?? 0), 0);
}

describe('persistence', () => {
  it('reloads metrics and alarm states; drops what the retention no longer keeps', async () => {
    const first = await startLocalCloudWatch({ directory });
    await first.client.send(
      new PutMetricDataCommand({
        Namespace: 'Synergy',
        MetricData: [
          { MetricName: 'FeedbackRows', Dimensions: DIMS, Value: 7, Timestamp: new Date(START - 10 * DAY) },
          { MetricName: 'FeedbackRows', Dimensions: DIMS, Value: 5, Timestamp: new Date(START - 60_000) },
        ],
      }),
    );
    await first.client.send(
      new PutMetricAlarmCommand({
        AlarmName: 'rows',
        Namespace: 'Synergy',
        MetricName: 'FeedbackRows',
        Dimensions: DIMS,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    const before = (await first.client.send(new DescribeAlarmsCommand({}))).MetricAlarms?.[0];
    expect(before?.StateValue).toBe('ALARM');
    await first.stop();
    await appendFile(join(directory, 'metrics.jsonl'), '{"namespace":"Synergy","na'); // a torn last line

    const second = await startLocalCloudWatch({ directory, start: START + DAY });
    expect(await sum(second, START - 15 * DAY, START + DAY)).toBe(12);
    const after = (await second.client.send(new DescribeAlarmsCommand({}))).MetricAlarms?.[0];
    expect(after).toMatchObject({ StateValue: 'ALARM', StateReason: before?.StateReason });
    expect(after?.StateUpdatedTimestamp).toEqual(before?.StateUpdatedTimestamp);
    expect(second.logs.join('\n')).toContain('skipped 1 unreadable line');
    // A day later the datapoints are out of the alarm's range: the tick moves it, and says so.
    second.standIn.evaluateAlarms();
    expect(
      second.events.map((event) => `${event.detail.previousState.value}->${event.detail.state.value}`),
    ).toEqual(['ALARM->INSUFFICIENT_DATA']);
    await second.stop();

    // Six days later still, the 10-day-old datapoint is past the 15-day retention.
    const third = await startLocalCloudWatch({ directory, start: START + 6 * DAY });
    expect(await sum(third, START - 15 * DAY, START + DAY)).toBe(5);
    await third.stop();
    const lines = (await readFile(join(directory, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ name: 'FeedbackRows', sum: 5 });
  });
});
