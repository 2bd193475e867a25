/**
 * Alarms on CloudWatch: PutMetricAlarm to create or replace one (CloudWatch keeps an existing alarm's state
 * when its configuration is put again, so `ensure` on every monitor run is safe), DescribeAlarms to read
 * their states. The SDK's commands are imported on first use (sdk.ts), like the other adapters'.
 */
import type {
  DescribeAlarmsCommand,
  DescribeAlarmsCommandOutput,
  MetricAlarm,
  PutMetricAlarmCommand,
  PutMetricAlarmCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { SynergyError } from '../core/errors.ts';
import type { AlarmDefinition, AlarmStateValue, AlarmStatus, Alarms } from '../core/ports.ts';
import { awsErrorName } from './aws-errors.ts';
import { cloudWatchSdk } from './sdk.ts';

/** The part of CloudWatchClient used here (a CloudWatchClient is one), so tests can pass a `{ send }`. */
export interface CloudWatchSender {
  send(command: PutMetricAlarmCommand): Promise<PutMetricAlarmCommandOutput>;
  send(command: DescribeAlarmsCommand): Promise<DescribeAlarmsCommandOutput>;
}

/** A CloudWatch call failed or answered something this adapter cannot read; names the alarms involved. */
export class CloudWatchAlarmsError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'CloudWatchAlarmsError';
  }
}

/** DescribeAlarms takes at most 100 names per call and returns at most 100 alarms per page. */
const NAMES_PER_CALL = 100;

const STATES: ReadonlySet<string> = new Set<AlarmStateValue>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

function isAlarmState(value: string | undefined): value is AlarmStateValue {
  return value !== undefined && STATES.has(value);
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? `${awsErrorName(error)}: ${error.message}` : String(error);
}

export class CloudWatchAlarms implements Alarms {
  constructor(private readonly client: CloudWatchSender) {}

  async ensure(definition: AlarmDefinition): Promise<void> {
    const { PutMetricAlarmCommand } = await cloudWatchSdk();
    const command = new PutMetricAlarmCommand({
      AlarmName: definition.name,
      AlarmDescription: definition.description,
      Namespace: definition.namespace,
      MetricName: definition.metricName,
      // Sorted, so the same definition always sends the same request.
      Dimensions: Object.entries(definition.dimensions)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([Name, Value]) => ({ Name, Value })),
      Statistic: definition.statistic,
      Period: definition.periodSeconds,
      EvaluationPeriods: definition.evaluationPeriods,
      DatapointsToAlarm: definition.datapointsToAlarm,
      Threshold: definition.threshold,
      ComparisonOperator: definition.comparison,
      TreatMissingData: definition.treatMissingData,
    });
    try {
      await this.client.send(command);
    } catch (error) {
      throw new CloudWatchAlarmsError(
        `PutMetricAlarm ${definition.name} failed: ${describeFailure(error)}`,
        { alarm: definition.name, awsError: awsErrorName(error) },
        { cause: error },
      );
    }
  }

  async describe(names: readonly string[]): Promise<AlarmStatus[]> {
    const wanted = [...new Set(names)];
    if (wanted.length === 0) return [];
    const { DescribeAlarmsCommand } = await cloudWatchSdk();
    const found = new Map<string, AlarmStatus>();
    for (let start = 0; start < wanted.length; start += NAMES_PER_CALL) {
      const chunk = wanted.slice(start, start + NAMES_PER_CALL);
      let nextToken: string | undefined;
      do {
        const command = new DescribeAlarmsCommand({
          AlarmNames: chunk,
          AlarmTypes: ['MetricAlarm'],
          MaxRecords: NAMES_PER_CALL,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        });
        let page: DescribeAlarmsCommandOutput;
        try {
          page = await this.client.send(command);
        } catch (error) {
          throw new CloudWatchAlarmsError(
            `DescribeAlarms failed: ${describeFailure(error)}`,
            { alarms: chunk, awsError: awsErrorName(error) },
            { cause: error },
          );
        }
        for (const alarm of page.MetricAlarms ?? []) {
          const status = statusOf(alarm);
          found.set(status.name, status);
        }
        nextToken = page.NextToken;
      } while (nextToken !== undefined && nextToken !== '');
    }
    return wanted.flatMap((name) => {
      const status = found.get(name);
      return status === undefined ? [] : [status];
    });
  }
}

function statusOf(alarm: MetricAlarm): AlarmStatus {
  const name = alarm.AlarmName;
  const state = alarm.StateValue;
  if (name === undefined || !isAlarmState(state)) {
    throw new CloudWatchAlarmsError(
      `DescribeAlarms returned an alarm without a name or a known state (${name ?? '?'}: ${state ?? '?'})`,
      { alarm: name, state },
    );
  }
  // CloudWatch sets StateUpdatedTimestamp on every alarm; the configuration time is only a fallback.
  const updated = alarm.StateUpdatedTimestamp ?? alarm.AlarmConfigurationUpdatedTimestamp;
  if (updated === undefined) {
    throw new CloudWatchAlarmsError(`DescribeAlarms returned alarm ${name} without a state timestamp`, {
      alarm: name,
    });
  }
  return {
    name,
    state,
    reason: alarm.StateReason ?? '',
    updatedAt: updated.toISOString(),
  };
}
