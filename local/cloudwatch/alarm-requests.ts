/** The alarm operations' requests (PutMetricAlarm, DescribeAlarms, DeleteAlarms), validated as CloudWatch does. */
import type { AlarmStateValue, ComparisonOperator, TreatMissingData } from './alarm-evaluation.ts';
import type { MetricAlarmDefinition } from './alarm-record.ts';
import { CloudWatchApiError } from './errors.ts';
import { parseDimensions } from './metric-requests.ts';
import {
  fieldsOf,
  invalid,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalString,
  optionalStringList,
  requiredEnum,
  requiredInteger,
  requiredNumber,
  requiredString,
} from './request-fields.ts';
import { isValidPeriod, STANDARD_UNITS, STATISTICS } from './statistics.ts';

const COMPARISONS: readonly ComparisonOperator[] = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const ANOMALY_COMPARISONS = [
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
];
const MISSING_DATA: readonly TreatMissingData[] = ['breaching', 'notBreaching', 'ignore', 'missing'];
const STATES: readonly AlarmStateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
/** CloudWatch caps an alarm's evaluation window (Period × EvaluationPeriods) at seven days. */
const MAX_EVALUATION_WINDOW_SECONDS = 7 * 24 * 60 * 60;

function unsupported(parameter: string, what: string): CloudWatchApiError {
  return invalid(parameter, `is not supported by the local CloudWatch (${what})`);
}

export function parsePutMetricAlarm(input: unknown): MetricAlarmDefinition {
  const request = fieldsOf(input, '');
  const alarmName = requiredString(request, 'AlarmName', '', { max: 255 });
  if (request.Metrics !== undefined && request.Metrics !== null) {
    throw unsupported(
      'Metrics',
      'metric math and anomaly detection alarms; give Namespace, MetricName and Statistic',
    );
  }
  if (request.ExtendedStatistic !== undefined && request.ExtendedStatistic !== null) {
    throw unsupported('ExtendedStatistic', 'percentiles are not kept; use Statistic');
  }
  if (request.ThresholdMetricId !== undefined && request.ThresholdMetricId !== null) {
    throw unsupported('ThresholdMetricId', 'anomaly detection');
  }
  if (ANOMALY_COMPARISONS.includes(String(request.ComparisonOperator))) {
    throw unsupported('ComparisonOperator', `${String(request.ComparisonOperator)} needs anomaly detection`);
  }
  const period = requiredInteger(request, 'Period', '', { min: 1 });
  if (!isValidPeriod(period) || period < 10) {
    throw invalid('Period', 'must be 10, 20, 30 or a multiple of 60');
  }
  const evaluationPeriods = requiredInteger(request, 'EvaluationPeriods', '', { min: 1 });
  if (period * evaluationPeriods > MAX_EVALUATION_WINDOW_SECONDS) {
    throw new CloudWatchApiError(
      'InvalidParameterCombination',
      `The evaluation window (Period × EvaluationPeriods = ${period * evaluationPeriods} seconds) must not exceed ${MAX_EVALUATION_WINDOW_SECONDS} seconds (7 days).`,
    );
  }
  const datapointsToAlarm = optionalInteger(request, 'DatapointsToAlarm', '', { min: 1 });
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
    throw new CloudWatchApiError(
      'InvalidParameterCombination',
      `DatapointsToAlarm (${datapointsToAlarm}) must not be greater than EvaluationPeriods (${evaluationPeriods}).`,
    );
  }
  const definition: MetricAlarmDefinition = {
    alarmName,
    alarmDescription: optionalString(request, 'AlarmDescription', '', { min: 0, max: 1024 }),
    actionsEnabled: optionalBoolean(request, 'ActionsEnabled', '') ?? true,
    okActions: optionalStringList(request, 'OKActions', '', { max: 5, itemMax: 1024 }) ?? [],
    alarmActions: optionalStringList(request, 'AlarmActions', '', { max: 5, itemMax: 1024 }) ?? [],
    insufficientDataActions:
      optionalStringList(request, 'InsufficientDataActions', '', { max: 5, itemMax: 1024 }) ?? [],
    namespace: requiredString(request, 'Namespace', '', { max: 255 }),
    metricName: requiredString(request, 'MetricName', '', { max: 255 }),
    dimensions: parseDimensions(request, 'Dimensions', ''),
    statistic: requiredEnum(request, 'Statistic', '', STATISTICS),
    period,
    unit: optionalEnum(request, 'Unit', '', STANDARD_UNITS),
    evaluationPeriods,
    datapointsToAlarm,
    threshold: requiredNumber(request, 'Threshold', ''),
    comparisonOperator: requiredEnum(request, 'ComparisonOperator', '', COMPARISONS),
    treatMissingData: optionalEnum(request, 'TreatMissingData', '', MISSING_DATA),
  };
  optionalList(request, 'Tags', '', { max: 50 }); // accepted and not kept: nothing here reads tags
  return definition;
}

export interface DescribeAlarmsRequest {
  readonly alarmNames?: readonly string[];
  readonly alarmNamePrefix?: string;
  readonly stateValue?: AlarmStateValue;
  readonly actionPrefix?: string;
  /** False when only composite alarms are asked for (the stand-in has none). */
  readonly metricAlarms: boolean;
  readonly maxRecords: number;
  readonly nextToken?: string;
}

export function parseDescribeAlarms(input: unknown): DescribeAlarmsRequest {
  const request = fieldsOf(input, '');
  const alarmNames = optionalStringList(request, 'AlarmNames', '', { max: 100, itemMax: 255 });
  const alarmNamePrefix = optionalString(request, 'AlarmNamePrefix', '', { max: 255 });
  if (alarmNames !== undefined && alarmNames.length > 0 && alarmNamePrefix !== undefined) {
    throw new CloudWatchApiError(
      'InvalidParameterCombination',
      'AlarmNames and AlarmNamePrefix cannot be specified together.',
    );
  }
  const types = optionalStringList(request, 'AlarmTypes', '', { max: 2, itemMax: 255 });
  types?.forEach((type, index) => {
    if (type !== 'MetricAlarm' && type !== 'CompositeAlarm') {
      throw invalid(`AlarmTypes.member.${index + 1}`, 'must be MetricAlarm or CompositeAlarm');
    }
  });
  const related =
    optionalString(request, 'ChildrenOfAlarmName', '', { max: 255 }) ??
    optionalString(request, 'ParentsOfAlarmName', '', { max: 255 });
  return {
    alarmNames: alarmNames !== undefined && alarmNames.length > 0 ? alarmNames : undefined,
    alarmNamePrefix,
    stateValue: optionalEnum(request, 'StateValue', '', STATES),
    actionPrefix: optionalString(request, 'ActionPrefix', '', { max: 1024 }),
    // Only composite alarms have children or parents, and CloudWatch lists metric alarms unless
    // AlarmTypes leaves them out.
    metricAlarms: related === undefined && (types === undefined || types.includes('MetricAlarm')),
    maxRecords: optionalInteger(request, 'MaxRecords', '', { min: 1, max: 100 }) ?? 50,
    nextToken: optionalString(request, 'NextToken', '', { max: 1024 }),
  };
}

export function parseDeleteAlarms(input: unknown): readonly string[] {
  const request = fieldsOf(input, '');
  const names = optionalStringList(request, 'AlarmNames', '', { max: 100, itemMax: 255 });
  if (names === undefined || names.length === 0) {
    throw new CloudWatchApiError('MissingParameter', 'The parameter AlarmNames is required.');
  }
  return names;
}
