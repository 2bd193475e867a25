/**
 * One evaluation of a metric alarm, as "Configuring how CloudWatch alarms treat missing data" describes it.
 * CloudWatch looks at an evaluation range longer than the alarm's N evaluation periods (here N + 2 periods,
 * the ratio of the documentation's examples, 3 → 5), and:
 * - when at least N periods of the range have data, evaluates the N most recent of them (missing periods
 *   need no treatment): ALARM when at least M (datapoints to alarm) breach, else OK;
 * - otherwise fills the N − present missing datapoints with the treatment, keeping every real one:
 *   `breaching` counts them as breaching, `notBreaching` as not; `missing` and `ignore` leave them out:
 *   M real breaches → ALARM; a real datapoint within the threshold → OK; nothing at all → INSUFFICIENT_DATA
 *   (`missing`) or the current state (`ignore`); only breaching datapoints, fewer than M → the current
 *   state, except the documented "premature alarm" case: a breaching datapoint at least M periods old
 *   inside the last N, with only missing periods after it → ALARM for `missing` (the current state for
 *   `ignore`).
 * This reproduces every row of the documentation's two example tables (see the tests).
 */

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export const EXTRA_EVALUATION_PERIODS = 2;

export interface EvaluationRule {
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
}

/** The alarm's statistic over one period that has data. */
export interface PeriodValue {
  /** Epoch ms where the period starts. */
  readonly start: number;
  readonly value: number;
  readonly sampleCount: number;
}

export interface Verdict {
  readonly state: AlarmStateValue;
  /** The real datapoints the decision rests on, oldest first. */
  readonly evaluated: readonly PeriodValue[];
  /** Missing datapoints filled with the treatment (`breaching` / `notBreaching` only). */
  readonly filled: number;
  /** True when the premature-alarm rule decided. */
  readonly premature: boolean;
}

export function breaches(rule: Pick<EvaluationRule, 'comparison' | 'threshold'>, value: number): boolean {
  switch (rule.comparison) {
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
  }
}

/**
 * The verdict over the evaluation range `slots` (oldest first, undefined = no data in that period), or
 * undefined when the alarm keeps its current state.
 */
export function evaluateRange(
  rule: EvaluationRule,
  slots: readonly (PeriodValue | undefined)[],
): Verdict | undefined {
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm;
  const real = slots.filter((slot): slot is PeriodValue => slot !== undefined);
  const isBreaching = (point: PeriodValue) => breaches(rule, point.value);
  if (real.length >= n) {
    const evaluated = real.slice(-n);
    const state = evaluated.filter(isBreaching).length >= m ? 'ALARM' : 'OK';
    return { state, evaluated, filled: 0, premature: false };
  }
  const fill = n - real.length;
  const realBreaches = real.filter(isBreaching).length;
  switch (rule.treatMissingData) {
    case 'breaching':
      return {
        state: realBreaches + fill >= m ? 'ALARM' : 'OK',
        evaluated: real,
        filled: fill,
        premature: false,
      };
    case 'notBreaching':
      return { state: realBreaches >= m ? 'ALARM' : 'OK', evaluated: real, filled: fill, premature: false };
    case 'missing':
    case 'ignore': {
      if (real.length === 0) {
        return rule.treatMissingData === 'missing'
          ? { state: 'INSUFFICIENT_DATA', evaluated: [], filled: 0, premature: false }
          : undefined;
      }
      if (realBreaches >= m) return { state: 'ALARM', evaluated: real, filled: 0, premature: false };
      if (realBreaches < real.length) return { state: 'OK', evaluated: real, filled: 0, premature: false };
      if (rule.treatMissingData === 'missing' && prematureAlarm(slots.slice(-n), m)) {
        return { state: 'ALARM', evaluated: real, filled: 0, premature: true };
      }
      return undefined;
    }
  }
}

/** Within the last N periods (all real datapoints breaching): one at least M periods old. */
function prematureAlarm(window: readonly (PeriodValue | undefined)[], m: number): boolean {
  const oldest = window.findIndex((slot) => slot !== undefined);
  return oldest >= 0 && window.length - oldest >= m;
}
