import { describe, expect, it } from 'vitest';
import { ScheduleExpressionError } from '../../../local/eventbridge/errors.ts';
import { parseSchedule } from '../../../local/eventbridge/schedule.ts';

const at = (iso: string) => Date.parse(iso);
const MINUTE = 60_000;

/** The next `count` fire times after `from`, as ISO strings. */
function fires(expression: string, from: string, count: number): string[] {
  const schedule = parseSchedule(expression);
  const times: string[] = [];
  let cursor = at(from);
  for (let index = 0; index < count; index++) {
    const next = schedule.next(cursor);
    if (next === undefined) break;
    times.push(new Date(next).toISOString());
    cursor = next;
  }
  return times;
}

describe('rate schedules', () => {
  it.each([
    ['rate(1 minute)', MINUTE],
    ['rate(5 minutes)', 5 * MINUTE],
    ['rate(1 hour)', 60 * MINUTE],
    ['rate(12 hours)', 12 * 60 * MINUTE],
    ['rate(1 day)', 24 * 60 * MINUTE],
    ['rate(7 days)', 7 * 24 * 60 * MINUTE],
  ])('%s fires one period after the time it is armed, then every period', (expression, period) => {
    const schedule = parseSchedule(expression);
    const start = at('2024-03-10T10:17:23.456Z');
    expect(schedule.kind).toBe('rate');
    expect(schedule.next(start)).toBe(start + period);
    expect(schedule.next(start + period)).toBe(start + 2 * period);
  });

  it.each([
    'rate(1 minutes)',
    'rate(2 minute)',
    'rate(0 minutes)',
    'rate(5 weeks)',
    'rate(1.5 hours)',
    'rate(5minutes)',
    'rate(-1 day)',
  ])('refuses %s', (expression) => {
    expect(() => parseSchedule(expression)).toThrow(ScheduleExpressionError);
  });
});

describe('cron schedules (UTC, EventBridge 6-field syntax)', () => {
  it.each([
    // every day at noon; later the same day is too late
    ['cron(0 12 * * ? *)', '2024-01-01T13:00:00Z', ['2024-01-02T12:00:00.000Z', '2024-01-03T12:00:00.000Z']],
    // EventBridge writes steps with a start value
    [
      'cron(0/15 * * * ? *)',
      '2024-01-01T10:07:00Z',
      ['2024-01-01T10:15:00.000Z', '2024-01-01T10:30:00.000Z'],
    ],
    // a fire time exactly at `from` is not "after" it
    ['cron(30 6 * * ? *)', '2024-01-01T06:30:00Z', ['2024-01-02T06:30:00.000Z']],
    // last day of the month, across a leap February
    [
      'cron(0 0 L * ? *)',
      '2024-01-31T00:00:00Z',
      ['2024-02-29T00:00:00.000Z', '2024-03-31T00:00:00.000Z', '2024-04-30T00:00:00.000Z'],
    ],
    ['cron(0 0 L * ? *)', '2023-02-01T00:00:00Z', ['2023-02-28T00:00:00.000Z']],
    // the 31st skips the months without one
    ['cron(0 0 31 * ? *)', '2024-01-31T00:00:00Z', ['2024-03-31T00:00:00.000Z', '2024-05-31T00:00:00.000Z']],
    // weekdays at 10: Friday 2024-01-05 after 10 → Monday 8th
    [
      'cron(0 10 ? * MON-FRI *)',
      '2024-01-05T11:00:00Z',
      ['2024-01-08T10:00:00.000Z', '2024-01-09T10:00:00.000Z'],
    ],
    // day-of-week numbers are 1 = Sunday … 7 = Saturday: 2 is Monday
    ['cron(0 8 ? * 2 *)', '2024-01-02T00:00:00Z', ['2024-01-08T08:00:00.000Z', '2024-01-15T08:00:00.000Z']],
    // 6L: the month's last Friday (Jan 2024: the 26th; Feb 2024: the 23rd)
    ['cron(0 0 ? * 6L *)', '2024-01-01T00:00:00Z', ['2024-01-26T00:00:00.000Z', '2024-02-23T00:00:00.000Z']],
    // 2#1: the month's first Monday (2024-02-05, 2024-03-04)
    ['cron(0 0 ? * 2#1 *)', '2024-01-02T00:00:00Z', ['2024-02-05T00:00:00.000Z', '2024-03-04T00:00:00.000Z']],
    // 15W: the weekday nearest the 15th (2024-06-15 is a Saturday → Friday 14th)
    ['cron(0 9 15W * ? *)', '2024-06-01T00:00:00Z', ['2024-06-14T09:00:00.000Z', '2024-07-15T09:00:00.000Z']],
    // a year field
    ['cron(0 0 1 1 ? 2030)', '2024-05-05T00:00:00Z', ['2030-01-01T00:00:00.000Z']],
    // month names
    [
      'cron(0 0 1 JAN,JUL ? *)',
      '2024-02-01T00:00:00Z',
      ['2024-07-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ],
  ])('%s after %s', (expression, from, expected) => {
    expect(fires(expression, from, expected.length)).toEqual(expected);
  });

  it('has no next fire time once its years are over', () => {
    expect(parseSchedule('cron(0 0 1 1 ? 2020)').next(at('2024-01-01T00:00:00Z'))).toBeUndefined();
  });

  it.each([
    ['cron(0 12 * * ?)', '5 fields'],
    ['cron(0 0 12 * * ? *)', '7 fields'],
    ['cron(0 12 ? * ? *)', 'both day fields ?'],
    ['cron(0 12 * * MON *)', 'neither day field ?'],
    ['cron(0 12 1 * ? abc)', 'a bad year'],
    ['cron(61 12 * * ? *)', 'minute 61'],
    ['cron(0 0 L-2 * ? *)', 'an offset from L croner cannot evaluate'],
    ['every day', 'no rate or cron'],
  ])('refuses %s (%s)', (expression) => {
    expect(() => parseSchedule(expression)).toThrow(ScheduleExpressionError);
  });
});
