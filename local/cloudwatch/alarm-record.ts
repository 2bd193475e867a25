/** A metric alarm as the stand-in keeps it: the definition PutMetricAlarm gave, its ARN and its state. */
import type { AlarmStateValue, ComparisonOperator, TreatMissingData } from './alarm-evaluation.ts';
import type { MetricDimension } from './metric-store.ts';
import { metricKey } from './metric-store.ts';
import type { StandardUnit, StatisticName } from './statistics.ts';

export interface MetricAlarmDefinition {
  readonly alarmName: string;
  readonly alarmDescription?: string;
  readonly actionsEnabled: boolean;
  readonly okActions: readonly string[];
  readonly alarmActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly MetricDimension[];
  readonly statistic: StatisticName;
  /** Seconds. */
  readonly period: number;
  readonly unit?: StandardUnit;
  readonly evaluationPeriods: number;
  /** Absent: the same as evaluationPeriods (N out of N). */
  readonly datapointsToAlarm?: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  /** Absent: `missing`. */
  readonly treatMissingData?: TreatMissingData;
}

export interface AlarmState {
  readonly value: AlarmStateValue;
  readonly reason: string;
  /** Absent on the initial state of a new alarm. */
  readonly reasonData?: string;
  /** Epoch ms of the last change of state. */
  readonly timestamp: number;
}

export interface MetricAlarmRecord {
  readonly definition: MetricAlarmDefinition;
  readonly arn: string;
  /** Epoch ms of the last configuration change. */
  readonly configurationUpdatedAt: number;
  readonly state: AlarmState;
}

export const INITIAL_REASON = 'Unchecked: Initial alarm creation';

export function alarmArn(region: string, accountId: string, alarmName: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${alarmName}`;
}

export function alarmMetricKey(definition: MetricAlarmDefinition): string {
  return metricKey({
    namespace: definition.namespace,
    name: definition.metricName,
    dimensions: definition.dimensions,
  });
}

/** Equal definitions: the same members with the same values (dimension order aside). */
export function sameDefinition(a: MetricAlarmDefinition, b: MetricAlarmDefinition): boolean {
  return canonical(a) === canonical(b);
}

function canonical(definition: MetricAlarmDefinition): string {
  const dimensions = [...definition.dimensions].sort((x, y) =>
    x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
  );
  const entries = Object.entries({ ...definition, dimensions })
    .filter(([, value]) => value !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify(entries);
}
