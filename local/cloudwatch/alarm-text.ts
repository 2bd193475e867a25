/**
 * The words CloudWatch puts on an alarm state: the reason ("Threshold Crossed: 1 out of the last 1
 * datapoints [0.3 (02/10/19 16:59:00)] was greater than the threshold (0.25) (minimum 1 datapoint for
 * OK -> ALARM transition).") and the reason data (a JSON string), and its timestamp formats.
 */
import type { ComparisonOperator, EvaluationRule, PeriodValue, Verdict } from './alarm-evaluation.ts';
import { breaches } from './alarm-evaluation.ts';

/** `2019-10-02T17:04:40.989+0000`: the format of alarm state timestamps in events and reason data. */
export function alarmTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `2019-10-02T17:04:40Z`: an EventBridge event's `time`. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `02/10/19 16:59:00` (UTC), as datapoints appear in a reason. */
function reasonDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
}

/** Numbers as CloudWatch (Java) prints doubles: 50.0, 0.25. */
function javaDouble(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? value.toFixed(1) : String(value);
}

const COMPARISON_WORDS: Record<ComparisonOperator, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export interface ReasonContext {
  readonly rule: EvaluationRule;
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly unit?: string;
  readonly nowMs: number;
}

export function stateReason(context: ReasonContext, verdict: Verdict): string {
  const { rule } = context;
  const n = rule.evaluationPeriods;
  if (verdict.state === 'INSUFFICIENT_DATA') {
    return `Insufficient Data: ${plural(n, 'datapoint')} ${n === 1 ? 'was' : 'were'} unknown.`;
  }
  const alarm = verdict.state === 'ALARM';
  const treatedAs = rule.treatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching';
  if (verdict.evaluated.length === 0) {
    const filled = verdict.filled;
    return `Threshold Crossed: no datapoints were received for ${plural(filled, 'period')} and ${plural(filled, 'missing datapoint')} ${filled === 1 ? 'was' : 'were'} treated as [${treatedAs}].`;
  }
  // ALARM lists the breaching datapoints, OK the ones within the threshold; most recent first.
  const shown = verdict.evaluated.filter((point) => breaches(rule, point.value) === alarm).reverse();
  const list = shown.map((point) => `${javaDouble(point.value)} (${reasonDate(point.start)})`).join(', ');
  const verb = `${shown.length === 1 ? 'was' : 'were'} ${alarm ? '' : 'not '}${COMPARISON_WORDS[rule.comparison]}`;
  const threshold = `the threshold (${javaDouble(rule.threshold)})`;
  if (verdict.premature || (verdict.filled === 0 && verdict.evaluated.length < n)) {
    return `Threshold Crossed: ${plural(shown.length, 'datapoint')} [${list}] ${verb} ${threshold}.`;
  }
  const minimum = alarm
    ? `(minimum ${plural(rule.datapointsToAlarm, 'datapoint')} for OK -> ALARM transition)`
    : `(minimum ${plural(n - rule.datapointsToAlarm + 1, 'datapoint')} for ALARM -> OK transition)`;
  const filled =
    verdict.filled === 0
      ? ''
      : ` and ${plural(verdict.filled, 'missing datapoint')} ${verdict.filled === 1 ? 'was' : 'were'} treated as [${treatedAs}]`;
  return `Threshold Crossed: ${shown.length} out of the last ${n} datapoints [${list}] ${verb} ${threshold}${filled} ${minimum}.`;
}

/** The reason data CloudWatch attaches to a state (a JSON string). */
export function stateReasonData(context: ReasonContext, verdict: Verdict): string {
  const evaluated = verdict.evaluated;
  const data: Record<string, unknown> = {
    version: '1.0',
    queryDate: alarmTimestamp(context.nowMs),
  };
  if (evaluated.length > 0) data.startDate = alarmTimestamp(evaluated[0].start);
  if (context.unit !== undefined) data.unit = context.unit;
  data.statistic = context.statistic;
  data.period = context.periodSeconds;
  data.recentDatapoints = evaluated.map((point) => point.value);
  data.threshold = context.rule.threshold;
  data.evaluatedDatapoints = [...evaluated].reverse().map((point: PeriodValue) => ({
    timestamp: alarmTimestamp(point.start),
    sampleCount: point.sampleCount,
    value: point.value,
  }));
  return JSON.stringify(data);
}
