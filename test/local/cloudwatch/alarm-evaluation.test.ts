/**
 * Alarm evaluation against the two example tables of "Configuring how CloudWatch alarms treat missing
 * data": five most recent periods (oldest first; 0 within the threshold, X breaching, - missing), three
 * evaluation periods, datapoints to alarm 3 (first table) or 2 (second), and the state each treatment of
 * missing data leads to ("retain" = the current state is kept).
 */
import { describe, expect, it } from 'vitest';
import {
  type EvaluationRule,
  evaluateRange,
  type PeriodValue,
  type TreatMissingData,
} from '../../../local/cloudwatch/alarm-evaluation.ts';

const PERIOD_MS = 300_000;

/** '0 - X - X' → slots with value 0 (within a threshold of 1), undefined, value 5 (breaching). */
function slots(pattern: string): (PeriodValue | undefined)[] {
  return pattern.split(' ').map((mark, index) => {
    if (mark === '-') return undefined;
    return { start: index * PERIOD_MS, value: mark === 'X' ? 5 : 0, sampleCount: 1 };
  });
}

function stateFor(pattern: string, datapointsToAlarm: number, treatMissingData: TreatMissingData): string {
  const rule: EvaluationRule = {
    evaluationPeriods: 3,
    datapointsToAlarm,
    threshold: 1,
    comparison: 'GreaterThanThreshold',
    treatMissingData,
  };
  return evaluateRange(rule, slots(pattern))?.state ?? 'retain';
}

type Row = readonly [
  pattern: string,
  missing: string,
  ignore: string,
  breaching: string,
  notBreaching: string,
];

const threeOfThree: readonly Row[] = [
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - X - -', 'ALARM', 'retain', 'ALARM', 'OK'],
];

const twoOfThree: readonly Row[] = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - X -', 'ALARM', 'retain', 'ALARM', 'OK'],
];

describe('evaluateRange reproduces the documented tables', () => {
  for (const [datapointsToAlarm, table] of [
    [3, threeOfThree],
    [2, twoOfThree],
  ] as const) {
    for (const [pattern, ...expected] of table) {
      it(`${datapointsToAlarm} of 3, ${pattern}`, () => {
        const treatments: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];
        expect(treatments.map((treatment) => stateFor(pattern, datapointsToAlarm, treatment))).toEqual(
          expected,
        );
      });
    }
  }
});

describe('evaluateRange beyond the tables', () => {
  it('does not alarm prematurely on one recent breaching datapoint (3 of 3, missing): the state stays', () => {
    expect(stateFor('- - - - X', 3, 'missing')).toBe('retain');
    expect(stateFor('- - - X -', 3, 'missing')).toBe('retain');
  });

  it('evaluates the N most recent real datapoints when enough exist, whatever the treatment', () => {
    for (const treatment of ['missing', 'ignore', 'breaching', 'notBreaching'] as const) {
      expect(stateFor('X X 0 - -', 2, treatment)).toBe('ALARM');
      expect(stateFor('X 0 0 - -', 2, treatment)).toBe('OK');
    }
  });

  it('compares with each operator at the threshold', () => {
    const at = (comparison: EvaluationRule['comparison']) =>
      evaluateRange(
        { evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 5, comparison, treatMissingData: 'missing' },
        [{ start: 0, value: 5, sampleCount: 1 }],
      )?.state;
    expect(at('GreaterThanThreshold')).toBe('OK');
    expect(at('GreaterThanOrEqualToThreshold')).toBe('ALARM');
    expect(at('LessThanThreshold')).toBe('OK');
    expect(at('LessThanOrEqualToThreshold')).toBe('ALARM');
  });
});
