/**
 * The EventBridge event CloudWatch sends when a metric alarm changes state ("Alarm events and
 * EventBridge", single-metric alarm): source `aws.cloudwatch`, detail-type `CloudWatch Alarm State Change`,
 * the alarm ARN as the only resource, and the new and previous states with the alarm's configuration.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AlarmStateValue } from './alarm-evaluation.ts';
import type { AlarmState, MetricAlarmRecord } from './alarm-record.ts';
import { alarmTimestamp, eventTime } from './alarm-text.ts';

export interface AlarmStateDetail {
  readonly value: AlarmStateValue;
  readonly reason: string;
  /** A JSON string; absent for the initial state of a new alarm. */
  readonly reasonData?: string;
  /** `2019-10-02T17:04:40.989+0000`. */
  readonly timestamp: string;
}

export interface AlarmStateChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'CloudWatch Alarm State Change';
  readonly source: 'aws.cloudwatch';
  readonly account: string;
  /** `2019-10-02T17:04:40Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly [string];
  readonly detail: {
    readonly alarmName: string;
    readonly state: AlarmStateDetail;
    readonly previousState: AlarmStateDetail;
    readonly configuration: {
      readonly description?: string;
      readonly metrics: readonly [
        {
          readonly id: string;
          readonly metricStat: {
            readonly metric: {
              readonly namespace: string;
              readonly name: string;
              readonly dimensions: Readonly<Record<string, string>>;
            };
            readonly period: number;
            readonly stat: string;
            readonly unit?: string;
          };
          readonly returnData: true;
        },
      ];
    };
  };
}

export function alarmStateChangeEvent(input: {
  readonly alarm: MetricAlarmRecord;
  readonly previous: AlarmState;
  readonly region: string;
  readonly accountId: string;
}): AlarmStateChangeEvent {
  const { alarm, previous } = input;
  const definition = alarm.definition;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: input.accountId,
    time: eventTime(alarm.state.timestamp),
    region: input.region,
    resources: [alarm.arn],
    detail: {
      alarmName: definition.alarmName,
      state: stateDetail(alarm.state),
      previousState: stateDetail(previous),
      configuration: {
        ...(definition.alarmDescription === undefined ? {} : { description: definition.alarmDescription }),
        metrics: [
          {
            id: metricQueryId(alarm.arn),
            metricStat: {
              metric: {
                namespace: definition.namespace,
                name: definition.metricName,
                dimensions: Object.fromEntries(definition.dimensions.map(({ name, value }) => [name, value])),
              },
              period: definition.period,
              stat: definition.statistic,
              ...(definition.unit === undefined ? {} : { unit: definition.unit }),
            },
            returnData: true,
          },
        ],
      },
    },
  };
}

function stateDetail(state: AlarmState): AlarmStateDetail {
  return {
    value: state.value,
    reason: state.reason,
    ...(state.reasonData === undefined ? {} : { reasonData: state.reasonData }),
    timestamp: alarmTimestamp(state.timestamp),
  };
}

/** CloudWatch gives the alarm's metric query a UUID-like id; a stable one per alarm here. */
function metricQueryId(arn: string): string {
  const hex = createHash('sha256').update(arn).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
