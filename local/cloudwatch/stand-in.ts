/**
 * The local CloudWatch: metrics (PutMetricData, GetMetricStatistics, GetMetricData, and EMF lines from
 * function output, as CloudWatch Logs extracts them), metric alarms (PutMetricAlarm, DescribeAlarms,
 * DeleteAlarms) and their evaluation on the stack's clock. An alarm is evaluated when it is put, when data
 * for its metric arrives, and on evaluateAlarms() (the stack calls it every clock minute, as CloudWatch
 * evaluates alarms every minute); a change of state calls onAlarmStateChange with AWS's EventBridge event.
 * Periods are aligned to the period length from the epoch, and the newest is the one holding `now`, so
 * a datapoint counts as soon as it arrives.
 */

import {
  type AlarmStateValue,
  type EvaluationRule,
  EXTRA_EVALUATION_PERIODS,
  evaluateRange,
  type PeriodValue,
} from './alarm-evaluation.ts';
import type { AlarmStateChangeEvent } from './alarm-event.ts';
import { alarmStateChangeEvent } from './alarm-event.ts';
import {
  type AlarmState,
  alarmArn,
  alarmMetricKey,
  INITIAL_REASON,
  type MetricAlarmDefinition,
  type MetricAlarmRecord,
  sameDefinition,
} from './alarm-record.ts';
import { parseDeleteAlarms, parseDescribeAlarms, parsePutMetricAlarm } from './alarm-requests.ts';
import { type ReasonContext, stateReason, stateReasonData } from './alarm-text.ts';
import { emfMetricValues, findEmfDocument } from './emf.ts';
import { CloudWatchApiError, EmfValidationError, UnknownOperationError } from './errors.ts';
import {
  alignedStart,
  parseGetMetricData,
  parseGetMetricStatistics,
  parsePutMetricData,
} from './metric-requests.ts';
import { MetricStore, metricKey, type StoredDatapoint } from './metric-store.ts';
import { CloudWatchFiles, type MetricEntry } from './persistence.ts';
import { bucketize, combine, statisticOf } from './statistics.ts';

export type { AlarmStateChangeEvent } from './alarm-event.ts';

export interface CloudWatchStandInOptions {
  readonly region: string;
  readonly accountId: string;
  /** Epoch milliseconds: the clock alarms are evaluated on and datapoints default to. */
  readonly now: () => number;
  readonly onAlarmStateChange?: (event: AlarmStateChangeEvent) => void;
  /**
   * The writers (functions, the CLI) stamp metrics with real time; when the clock runs faster or was moved
   * ahead, this maps a real timestamp onto the clock so fresh data lands in the clock's current period.
   * Absent: timestamps are taken as clock time.
   */
  readonly fromRealTime?: (realMs: number) => number;
  /** Where metrics (`metrics.jsonl`) and alarms (`alarms.json`) persist; absent: memory only. */
  readonly directory?: string;
  readonly log?: (line: string) => void;
}

/** The operations handle() serves (AWS's names). */
export const CLOUDWATCH_OPERATIONS = [
  'PutMetricData',
  'GetMetricStatistics',
  'GetMetricData',
  'PutMetricAlarm',
  'DescribeAlarms',
  'DeleteAlarms',
] as const;

const TWO_WEEKS_MS = 14 * 24 * 60 * 60 * 1000;
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

export class CloudWatchStandIn {
  private readonly store = new MetricStore();
  private readonly alarms = new Map<string, MetricAlarmRecord>();
  /** Alarm names by the key of the metric they watch. */
  private readonly alarmsByMetric = new Map<string, Set<string>>();
  private readonly files: CloudWatchFiles | undefined;
  private readonly log: (line: string) => void;
  private closed = false;

  constructor(private readonly options: CloudWatchStandInOptions) {
    this.log = options.log ?? (() => {});
    this.files = options.directory === undefined ? undefined : new CloudWatchFiles(options.directory);
    if (this.files) this.load(this.files);
  }

  /** Runs one CloudWatch operation; throws CloudWatchApiError (or UnknownOperationError) as CloudWatch would. */
  handle(operation: string, input: unknown): unknown {
    switch (operation) {
      case 'PutMetricData':
        this.addDatapoints(this.onClock(parsePutMetricData(input, this.writerNow()).entries));
        return {};
      case 'GetMetricStatistics':
        return this.getMetricStatistics(input);
      case 'GetMetricData':
        return this.getMetricData(input);
      case 'PutMetricAlarm':
        this.putMetricAlarm(parsePutMetricAlarm(input));
        return {};
      case 'DescribeAlarms':
        return this.describeAlarms(input);
      case 'DeleteAlarms':
        this.deleteAlarms(parseDeleteAlarms(input));
        return {};
      default:
        throw new UnknownOperationError(operation);
    }
  }

  /**
   * Turns an EMF log line into datapoints as CloudWatch Logs does; returns how many values it added (an
   * array member counts each value). Lines without EMF add nothing; an invalid EMF document is dropped
   * whole and logged, as are timestamps more than 14 days old or 2 hours ahead.
   */
  /** What "now" is for a writer: real time when writers are on real time, else the clock. */
  private writerNow(): number {
    return this.options.fromRealTime === undefined ? this.options.now() : Date.now();
  }

  private onClock(entries: MetricEntry[]): MetricEntry[] {
    const map = this.options.fromRealTime;
    if (map === undefined) return entries;
    return entries.map((entry) => ({
      ...entry,
      point: { ...entry.point, timestamp: map(entry.point.timestamp) },
    }));
  }

  ingestLogLine(line: string): number {
    if (this.closed) return 0;
    const document = findEmfDocument(line);
    if (document === undefined) return 0;
    let metrics: ReturnType<typeof emfMetricValues>;
    try {
      metrics = emfMetricValues(document);
    } catch (error) {
      if (!(error instanceof EmfValidationError)) throw error;
      this.log(`cloudwatch: EMF document dropped: ${error.message}`);
      return 0;
    }
    const now = this.options.now();
    const entries: MetricEntry[] = [];
    let values = 0;
    const map = this.options.fromRealTime;
    for (const { metric, unit, timestamp: stamped, values: samples } of metrics) {
      const timestamp = map === undefined ? stamped : map(stamped);
      if (timestamp < now - TWO_WEEKS_MS || timestamp > now + TWO_HOURS_MS) {
        this.log(
          `cloudwatch: EMF metric ${metric.name} dropped: its timestamp ${new Date(timestamp).toISOString()} is more than 14 days before or 2 hours after the clock`,
        );
        continue;
      }
      const set = combine(
        samples.map((value) => ({ sampleCount: 1, sum: value, minimum: value, maximum: value })),
      );
      if (set === undefined) continue;
      entries.push({ metric, point: { timestamp, unit, ...set } });
      values += samples.length;
    }
    this.addDatapoints(entries);
    return values;
  }

  /** Evaluates every alarm at the clock's time (and drops datapoints past the retention). */
  evaluateAlarms(): void {
    const now = this.options.now();
    this.store.prune(now);
    for (const name of [...this.alarms.keys()].sort()) this.evaluateAlarm(name, now);
  }

  /** Stops persisting and ingesting; the files hold everything already acknowledged. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private load(files: CloudWatchFiles): void {
    const now = this.options.now();
    const { entries, skipped } = files.readMetrics();
    for (const { metric, point } of entries) this.store.add(metric, point, now);
    const kept = [...this.store.entries()];
    if (skipped > 0) this.log(`cloudwatch: skipped ${skipped} unreadable line(s) of metrics.jsonl`);
    if (kept.length !== entries.length || skipped > 0) files.rewriteMetrics(kept);
    for (const record of files.readAlarms()) this.index(record);
  }

  private addDatapoints(entries: readonly MetricEntry[]): void {
    if (entries.length === 0) return;
    const now = this.options.now();
    const touched = new Set<string>();
    for (const { metric, point } of entries) touched.add(this.store.add(metric, point, now));
    if (!this.closed) this.files?.appendMetrics(entries);
    const names = new Set<string>();
    for (const key of touched) for (const name of this.alarmsByMetric.get(key) ?? []) names.add(name);
    for (const name of [...names].sort()) this.evaluateAlarm(name, now);
  }

  private getMetricStatistics(input: unknown): unknown {
    const request = parseGetMetricStatistics(input);
    const origin = alignedStart(request.startMs, request.periodSeconds);
    const points = this.store.query(metricKey(request.metric), origin, request.endMs);
    const byUnit = new Map<string, StoredDatapoint[]>();
    for (const point of points) {
      if (request.unit !== undefined && point.unit !== request.unit) continue;
      const group = byUnit.get(point.unit);
      if (group) group.push(point);
      else byUnit.set(point.unit, [point]);
    }
    const datapoints = [...byUnit].flatMap(([unit, group]) =>
      bucketize(group, origin, request.periodSeconds * 1000).map(({ start, set }) => ({
        Timestamp: new Date(start),
        Unit: unit,
        ...Object.fromEntries(
          request.statistics.map((statistic) => [statistic, statisticOf(set, statistic)]),
        ),
      })),
    );
    datapoints.sort((a, b) => a.Timestamp.getTime() - b.Timestamp.getTime());
    return { Label: request.metric.name, Datapoints: datapoints };
  }

  private getMetricData(input: unknown): unknown {
    const request = parseGetMetricData(input);
    const results = request.queries
      .filter((query) => query.returnData)
      .map((query) => {
        const origin = alignedStart(request.startMs, query.periodSeconds);
        const points = this.store
          .query(metricKey(query.metric), origin, request.endMs)
          .filter((point) => query.unit === undefined || point.unit === query.unit);
        const buckets = bucketize(points, origin, query.periodSeconds * 1000);
        if (!request.ascending) buckets.reverse();
        return {
          Id: query.id,
          Label: query.label ?? query.metric.name,
          Timestamps: buckets.map(({ start }) => new Date(start)),
          Values: buckets.map(({ set }) => statisticOf(set, query.stat)),
          StatusCode: 'Complete',
          Messages: [],
        };
      });
    return { MetricDataResults: results, Messages: [] };
  }

  /** Creates or replaces an alarm; an existing alarm keeps its state (CloudWatch's rule for updates). */
  private putMetricAlarm(definition: MetricAlarmDefinition): void {
    const now = this.options.now();
    const existing = this.alarms.get(definition.alarmName);
    if (existing && sameDefinition(existing.definition, definition)) {
      this.evaluateAlarm(definition.alarmName, now);
      return;
    }
    if (existing) this.unindex(existing);
    this.index({
      definition,
      arn: alarmArn(this.options.region, this.options.accountId, definition.alarmName),
      configurationUpdatedAt: now,
      state: existing?.state ?? { value: 'INSUFFICIENT_DATA', reason: INITIAL_REASON, timestamp: now },
    });
    this.saveAlarms();
    this.evaluateAlarm(definition.alarmName, now);
  }

  private deleteAlarms(names: readonly string[]): void {
    const missing = names.filter((name) => !this.alarms.has(name));
    if (missing.length > 0) {
      throw new CloudWatchApiError(
        'InvalidParameterValue',
        `The alarm(s) ${missing.join(', ')} do not exist.`,
      );
    }
    for (const name of names) this.unindex(this.alarms.get(name) as MetricAlarmRecord);
    this.saveAlarms();
  }

  private describeAlarms(input: unknown): unknown {
    const request = parseDescribeAlarms(input);
    const names = request.alarmNames === undefined ? undefined : new Set(request.alarmNames);
    const matching = request.metricAlarms
      ? [...this.alarms.values()]
          .filter(({ definition, state }) => {
            if (names !== undefined && !names.has(definition.alarmName)) return false;
            if (
              request.alarmNamePrefix !== undefined &&
              !definition.alarmName.startsWith(request.alarmNamePrefix)
            ) {
              return false;
            }
            if (request.stateValue !== undefined && state.value !== request.stateValue) return false;
            const prefix = request.actionPrefix;
            if (prefix === undefined) return true;
            const actions = [
              ...definition.okActions,
              ...definition.alarmActions,
              ...definition.insufficientDataActions,
            ];
            return actions.some((action) => action.startsWith(prefix));
          })
          .sort((a, b) => (a.definition.alarmName < b.definition.alarmName ? -1 : 1))
      : [];
    const after = request.nextToken === undefined ? undefined : decodeToken(request.nextToken);
    const remaining =
      after === undefined ? matching : matching.filter((alarm) => alarm.definition.alarmName > after);
    const page = remaining.slice(0, request.maxRecords);
    const nextToken =
      remaining.length > page.length ? encodeToken(page[page.length - 1].definition.alarmName) : undefined;
    return { MetricAlarms: page.map(toMetricAlarm), CompositeAlarms: [], NextToken: nextToken };
  }

  private index(record: MetricAlarmRecord): void {
    this.alarms.set(record.definition.alarmName, record);
    const key = alarmMetricKey(record.definition);
    let names = this.alarmsByMetric.get(key);
    if (!names) {
      names = new Set();
      this.alarmsByMetric.set(key, names);
    }
    names.add(record.definition.alarmName);
  }

  private unindex(record: MetricAlarmRecord): void {
    this.alarms.delete(record.definition.alarmName);
    const key = alarmMetricKey(record.definition);
    const names = this.alarmsByMetric.get(key);
    names?.delete(record.definition.alarmName);
    if (names?.size === 0) this.alarmsByMetric.delete(key);
  }

  private saveAlarms(): void {
    if (!this.closed) this.files?.writeAlarms([...this.alarms.values()]);
  }

  private evaluateAlarm(name: string, now: number): void {
    const alarm = this.alarms.get(name);
    if (!alarm) return;
    const { definition } = alarm;
    const rule: EvaluationRule = {
      evaluationPeriods: definition.evaluationPeriods,
      datapointsToAlarm: definition.datapointsToAlarm ?? definition.evaluationPeriods,
      threshold: definition.threshold,
      comparison: definition.comparisonOperator,
      treatMissingData: definition.treatMissingData ?? 'missing',
    };
    const verdict = evaluateRange(rule, this.periodValues(definition, now));
    if (verdict === undefined || verdict.state === alarm.state.value) return;
    const context: ReasonContext = {
      rule,
      statistic: definition.statistic,
      periodSeconds: definition.period,
      unit: definition.unit,
      nowMs: now,
    };
    const state: AlarmState = {
      value: verdict.state,
      reason: stateReason(context, verdict),
      reasonData: stateReasonData(context, verdict),
      timestamp: now,
    };
    this.transition(alarm, state);
  }

  /** The alarm's statistic per period over its evaluation range, oldest first (undefined: no data). */
  private periodValues(definition: MetricAlarmDefinition, now: number): (PeriodValue | undefined)[] {
    const periodMs = definition.period * 1000;
    const range = definition.evaluationPeriods + EXTRA_EVALUATION_PERIODS;
    const newest = Math.floor(now / periodMs) * periodMs;
    const oldest = newest - (range - 1) * periodMs;
    const points = this.store
      .query(alarmMetricKey(definition), oldest, newest + periodMs)
      .filter((point) => definition.unit === undefined || point.unit === definition.unit);
    const byStart = new Map(bucketize(points, oldest, periodMs).map((bucket) => [bucket.start, bucket.set]));
    return Array.from({ length: range }, (_, index) => {
      const start = oldest + index * periodMs;
      const set = byStart.get(start);
      return set && { start, value: statisticOf(set, definition.statistic), sampleCount: set.sampleCount };
    });
  }

  private transition(alarm: MetricAlarmRecord, state: AlarmState): void {
    const updated: MetricAlarmRecord = { ...alarm, state };
    this.alarms.set(alarm.definition.alarmName, updated);
    this.saveAlarms();
    this.log(
      `cloudwatch: alarm ${alarm.definition.alarmName} ${alarm.state.value} -> ${state.value}: ${state.reason}`,
    );
    const listener = this.options.onAlarmStateChange;
    if (!listener) return;
    const event = alarmStateChangeEvent({
      alarm: updated,
      previous: alarm.state,
      region: this.options.region,
      accountId: this.options.accountId,
    });
    try {
      listener(event);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.log(
        `cloudwatch: the alarm state change listener failed for ${alarm.definition.alarmName}: ${message}`,
      );
    }
  }
}

function toMetricAlarm({ definition, arn, configurationUpdatedAt, state }: MetricAlarmRecord) {
  return {
    AlarmName: definition.alarmName,
    AlarmArn: arn,
    AlarmDescription: definition.alarmDescription,
    AlarmConfigurationUpdatedTimestamp: new Date(configurationUpdatedAt),
    ActionsEnabled: definition.actionsEnabled,
    OKActions: definition.okActions,
    AlarmActions: definition.alarmActions,
    InsufficientDataActions: definition.insufficientDataActions,
    StateValue: state.value satisfies AlarmStateValue,
    StateReason: state.reason,
    StateReasonData: state.reasonData,
    StateUpdatedTimestamp: new Date(state.timestamp),
    MetricName: definition.metricName,
    Namespace: definition.namespace,
    Statistic: definition.statistic,
    Dimensions: definition.dimensions.map(({ name, value }) => ({ Name: name, Value: value })),
    Period: definition.period,
    Unit: definition.unit,
    EvaluationPeriods: definition.evaluationPeriods,
    DatapointsToAlarm: definition.datapointsToAlarm,
    Threshold: definition.threshold,
    ComparisonOperator: definition.comparisonOperator,
    TreatMissingData: definition.treatMissingData,
    StateTransitionedTimestamp: new Date(state.timestamp),
  };
}

function encodeToken(afterName: string): string {
  return Buffer.from(JSON.stringify({ after: afterName })).toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string') return decoded.after;
  } catch {
    // falls through to InvalidNextToken
  }
  throw new CloudWatchApiError('InvalidNextToken', `The NextToken ${token} is not valid.`);
}
