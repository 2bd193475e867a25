/**
 * The metric operations' requests (PutMetricData, GetMetricStatistics, GetMetricData), read and validated
 * as CloudWatch does, into the stand-in's terms (epoch ms, statistic sets).
 */
import { CloudWatchApiError } from './errors.ts';
import type { MetricDimension, MetricId, StoredDatapoint } from './metric-store.ts';
import type { MetricEntry } from './persistence.ts';
import {
  type Fields,
  fieldsOf,
  invalid,
  join,
  memberPath,
  missing,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalString,
  optionalTimestamp,
  requiredEnum,
  requiredInteger,
  requiredList,
  requiredNumber,
  requiredString,
  requiredTimestamp,
} from './request-fields.ts';
import {
  isValidPeriod,
  STANDARD_UNITS,
  STATISTICS,
  type StandardUnit,
  type StatisticName,
} from './statistics.ts';

const TWO_WEEKS_MS = 14 * 24 * 60 * 60 * 1000;
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;
/** CloudWatch refuses values beyond 2^360 in magnitude or closer to zero than 2^-260. */
const MAX_MAGNITUDE = 2 ** 360;
const MIN_MAGNITUDE = 2 ** -260;
const MAX_DATAPOINTS_PER_STATISTICS_CALL = 1440;

export function parseDimensions(fields: Fields, key: string, path: string): MetricDimension[] {
  const list = optionalList(fields, key, path, { max: 30 }) ?? [];
  const seen = new Set<string>();
  return list.map((item, index) => {
    const at = memberPath(join(path, key), index);
    const dimension = fieldsOf(item, at);
    const name = requiredString(dimension, 'Name', at, { max: 255 });
    const value = requiredString(dimension, 'Value', at, { max: 1024 });
    if (seen.has(name)) throw invalid(join(at, 'Name'), `repeats the dimension name ${name}`);
    seen.add(name);
    return { name, value };
  });
}

export function parseNamespace(fields: Fields, path: string): string {
  const namespace = requiredString(fields, 'Namespace', path, { max: 255 });
  if (namespace.startsWith('AWS/')) {
    throw invalid(
      join(path, 'Namespace'),
      'must not start with AWS/ (a namespace reserved for AWS services)',
    );
  }
  return namespace;
}

function checkedValue(value: number, path: string): number {
  const magnitude = Math.abs(value);
  if (magnitude > MAX_MAGNITUDE || (magnitude !== 0 && magnitude < MIN_MAGNITUDE)) {
    throw invalid(path, `has the value ${value}, outside the range CloudWatch accepts (2^-260 to 2^360)`);
  }
  return value;
}

export function parsePutMetricData(input: unknown, nowMs: number): { entries: MetricEntry[] } {
  const request = fieldsOf(input, '');
  const namespace = parseNamespace(request, '');
  const data = requiredList(request, 'MetricData', '', { max: 1000 });
  const entries = data.map((item, index) => {
    const at = memberPath('MetricData', index);
    const datum = fieldsOf(item, at);
    const metric: MetricId = {
      namespace,
      name: requiredString(datum, 'MetricName', at, { max: 255 }),
      dimensions: parseDimensions(datum, 'Dimensions', at),
    };
    const timestamp = optionalTimestamp(datum, 'Timestamp', at) ?? nowMs;
    if (timestamp < nowMs - TWO_WEEKS_MS) {
      throw invalid(join(at, 'Timestamp'), 'must specify a time no more than two weeks in the past');
    }
    if (timestamp > nowMs + TWO_HOURS_MS) {
      throw invalid(join(at, 'Timestamp'), 'must specify a time no more than two hours in the future');
    }
    const unit = optionalEnum(datum, 'Unit', at, STANDARD_UNITS) ?? 'None';
    const resolution = optionalInteger(datum, 'StorageResolution', at, { min: 1 });
    if (resolution !== undefined && resolution !== 1 && resolution !== 60) {
      throw invalid(join(at, 'StorageResolution'), 'must be 1 or 60');
    }
    return { metric, point: { timestamp, unit, ...statisticSetOf(datum, at) } satisfies StoredDatapoint };
  });
  return { entries };
}

/** Exactly one of Value, Values (with Counts) and StatisticValues. */
function statisticSetOf(datum: Fields, at: string) {
  const given = ['Value', 'Values', 'StatisticValues'].filter(
    (key) => datum[key] !== undefined && datum[key] !== null,
  );
  if (given.length === 0)
    throw missing(`${join(at, 'Value')}, ${join(at, 'Values')} or ${join(at, 'StatisticValues')}`);
  if (given.length > 1) {
    throw new CloudWatchApiError(
      'InvalidParameterCombination',
      `The parameters ${given.map((key) => join(at, key)).join(' and ')} are mutually exclusive.`,
    );
  }
  if (given[0] === 'Value') {
    const value = checkedValue(requiredNumber(datum, 'Value', at), join(at, 'Value'));
    return { sampleCount: 1, sum: value, minimum: value, maximum: value };
  }
  if (given[0] === 'StatisticValues') {
    const setAt = join(at, 'StatisticValues');
    const set = fieldsOf(datum.StatisticValues, setAt);
    const sampleCount = requiredNumber(set, 'SampleCount', setAt);
    const sum = checkedValue(requiredNumber(set, 'Sum', setAt), join(setAt, 'Sum'));
    const minimum = checkedValue(requiredNumber(set, 'Minimum', setAt), join(setAt, 'Minimum'));
    const maximum = checkedValue(requiredNumber(set, 'Maximum', setAt), join(setAt, 'Maximum'));
    if (sampleCount <= 0) throw invalid(join(setAt, 'SampleCount'), 'must be greater than 0');
    if (minimum > maximum) throw invalid(join(setAt, 'Minimum'), 'must not be greater than Maximum');
    return { sampleCount, sum, minimum, maximum };
  }
  const valuesAt = join(at, 'Values');
  const values = (optionalList(datum, 'Values', at, { max: 150, min: 1 }) ?? []).map((value, index) =>
    checkedValue(
      requiredNumber({ value }, 'value', memberPath(valuesAt, index)),
      memberPath(valuesAt, index),
    ),
  );
  const counts = optionalList(datum, 'Counts', at, { max: 150 })?.map((count, index) => {
    const checked = requiredNumber({ count }, 'count', memberPath(join(at, 'Counts'), index));
    if (checked < 0) throw invalid(memberPath(join(at, 'Counts'), index), 'must not be negative');
    return checked;
  });
  if (counts !== undefined && counts.length !== values.length) {
    throw new CloudWatchApiError(
      'InvalidParameterValue',
      `The parameters ${valuesAt} and ${join(at, 'Counts')} must have the same number of members.`,
    );
  }
  let sampleCount = 0;
  let sum = 0;
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  values.forEach((value, index) => {
    const count = counts?.[index] ?? 1;
    if (count === 0) return;
    sampleCount += count;
    sum += value * count;
    minimum = Math.min(minimum, value);
    maximum = Math.max(maximum, value);
  });
  if (sampleCount === 0) throw invalid(join(at, 'Counts'), 'must count at least one value');
  return { sampleCount, sum, minimum, maximum };
}

export interface StatisticsRequest {
  readonly metric: MetricId;
  readonly startMs: number;
  readonly endMs: number;
  readonly periodSeconds: number;
  readonly statistics: readonly StatisticName[];
  readonly unit?: StandardUnit;
}

function parsePeriod(fields: Fields, path: string): number {
  const period = requiredInteger(fields, 'Period', path, { min: 1 });
  if (!isValidPeriod(period)) {
    throw invalid(join(path, 'Period'), 'must be 1, 5, 10, 20, 30, 60 or any multiple of 60');
  }
  return period;
}

function parseTimeRange(request: Fields): { startMs: number; endMs: number } {
  const startMs = requiredTimestamp(request, 'StartTime', '');
  const endMs = requiredTimestamp(request, 'EndTime', '');
  if (startMs >= endMs) {
    throw new CloudWatchApiError(
      'InvalidParameterValue',
      'The parameter StartTime must be less than the parameter EndTime.',
    );
  }
  return { startMs, endMs };
}

/** CloudWatch rounds the start down to the second (high-resolution periods) or to the minute. */
export function alignedStart(startMs: number, periodSeconds: number): number {
  const unit = periodSeconds < 60 ? 1000 : 60_000;
  return Math.floor(startMs / unit) * unit;
}

export function parseGetMetricStatistics(input: unknown): StatisticsRequest {
  const request = fieldsOf(input, '');
  const metric: MetricId = {
    namespace: requiredString(request, 'Namespace', '', { max: 255 }),
    name: requiredString(request, 'MetricName', '', { max: 255 }),
    dimensions: parseDimensions(request, 'Dimensions', ''),
  };
  const { startMs, endMs } = parseTimeRange(request);
  const periodSeconds = parsePeriod(request, '');
  const extended = optionalList(request, 'ExtendedStatistics', '', { max: 10 });
  if (extended !== undefined && extended.length > 0) {
    throw invalid(
      'ExtendedStatistics',
      'is not supported by the local CloudWatch (percentiles are not kept)',
    );
  }
  const list = optionalList(request, 'Statistics', '', { max: 5 }) ?? [];
  if (list.length === 0) {
    throw new CloudWatchApiError(
      'InvalidParameterCombination',
      'Must specify either Statistics or ExtendedStatistics.',
    );
  }
  const statistics = list.map((value, index) =>
    requiredEnum({ value }, 'value', memberPath('Statistics', index), STATISTICS),
  );
  const requested = Math.ceil((endMs - alignedStart(startMs, periodSeconds)) / (periodSeconds * 1000));
  if (requested > MAX_DATAPOINTS_PER_STATISTICS_CALL) {
    throw new CloudWatchApiError(
      'InvalidParameterCombination',
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_DATAPOINTS_PER_STATISTICS_CALL}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const unit = optionalEnum(request, 'Unit', '', STANDARD_UNITS);
  return { metric, startMs, endMs, periodSeconds, statistics: [...new Set(statistics)], unit };
}

export interface MetricStatQuery {
  readonly id: string;
  readonly label?: string;
  readonly metric: MetricId;
  readonly periodSeconds: number;
  readonly stat: StatisticName;
  readonly unit?: StandardUnit;
  readonly returnData: boolean;
}

export interface MetricDataRequest {
  readonly queries: readonly MetricStatQuery[];
  readonly startMs: number;
  readonly endMs: number;
  readonly ascending: boolean;
}

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

export function parseGetMetricData(input: unknown): MetricDataRequest {
  const request = fieldsOf(input, '');
  const list = requiredList(request, 'MetricDataQueries', '', { max: 500 });
  const { startMs, endMs } = parseTimeRange(request);
  if (optionalString(request, 'NextToken', '', { max: 4096 }) !== undefined) {
    throw new CloudWatchApiError(
      'InvalidNextToken',
      'The local CloudWatch never returns a NextToken for GetMetricData.',
    );
  }
  const scanBy = optionalEnum(request, 'ScanBy', '', ['TimestampDescending', 'TimestampAscending']);
  optionalInteger(request, 'MaxDatapoints', '', { min: 1 });
  const ids = new Set<string>();
  const queries = list.map((item, index): MetricStatQuery => {
    const at = memberPath('MetricDataQueries', index);
    const query = fieldsOf(item, at);
    const id = requiredString(query, 'Id', at, { max: 255 });
    if (!QUERY_ID.test(id)) {
      throw invalid(
        join(at, 'Id'),
        'must start with a lowercase letter and hold only letters, digits and underscores',
      );
    }
    if (ids.has(id)) throw invalid(join(at, 'Id'), `repeats the id ${id}`);
    ids.add(id);
    if (query.Expression !== undefined && query.Expression !== null) {
      throw invalid(
        join(at, 'Expression'),
        'is a metric math expression, which the local CloudWatch does not evaluate; use MetricStat',
      );
    }
    if (query.MetricStat === undefined || query.MetricStat === null) throw missing(join(at, 'MetricStat'));
    const statAt = join(at, 'MetricStat');
    const stat = fieldsOf(query.MetricStat, statAt);
    const metricAt = join(statAt, 'Metric');
    if (stat.Metric === undefined || stat.Metric === null) throw missing(metricAt);
    const metricFields = fieldsOf(stat.Metric, metricAt);
    return {
      id,
      label: optionalString(query, 'Label', at, { max: 1024 }),
      metric: {
        namespace: requiredString(metricFields, 'Namespace', metricAt, { max: 255 }),
        name: requiredString(metricFields, 'MetricName', metricAt, { max: 255 }),
        dimensions: parseDimensions(metricFields, 'Dimensions', metricAt),
      },
      periodSeconds: parsePeriod(stat, statAt),
      stat: requiredEnum(stat, 'Stat', statAt, STATISTICS),
      unit: optionalEnum(stat, 'Unit', statAt, STANDARD_UNITS),
      returnData: optionalBoolean(query, 'ReturnData', at) ?? true,
    };
  });
  return { queries, startMs, endMs, ascending: scanBy === 'TimestampAscending' };
}
