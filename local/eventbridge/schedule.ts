/**
 * EventBridge schedule expressions: `rate(value unit)` and the 6-field `cron(minutes hours day-of-month
 * month day-of-week year)`, always UTC. Cron is evaluated by croner after translating EventBridge's
 * Quartz dialect (day-of-week 1-7 = SUN-SAT, `?`, `nL` = last weekday n of the month) to croner's.
 */
import { Cron } from 'croner';
import { ScheduleExpressionError } from './errors.ts';

export interface Schedule {
  readonly expression: string;
  readonly kind: 'rate' | 'cron';
  /**
   * The first fire time strictly after `afterMs`, or undefined when there is none (a cron whose years
   * are over). A rate schedule fires one period after `afterMs`: armed at t it first fires at t + period
   * (EventBridge starts counting when the rule is created), then one period after each fire.
   */
  next(afterMs: number): number | undefined;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;

/** Per field: the characters EventBridge allows (names included), checked before translating. */
const CRON_FIELDS = [
  { name: 'Minutes', allowed: /^[\d,\-*/]+$/ },
  { name: 'Hours', allowed: /^[\d,\-*/]+$/ },
  { name: 'Day-of-month', allowed: /^([\d,\-*/W]+|\?|L|LW)$/ },
  { name: 'Month', allowed: /^[\dA-Za-z,\-*/]+$/ },
  { name: 'Day-of-week', allowed: /^([\dA-Za-z,\-*/#]+|\?|[1-7A-Za-z]{0,3}L)$/ },
  { name: 'Year', allowed: /^[\d,\-*/]+$/ },
] as const;

export function parseSchedule(expression: string): Schedule {
  const rate = RATE.exec(expression);
  if (rate) return rateSchedule(expression, Number(rate[1]), rate[2]);
  const cron = CRON.exec(expression);
  if (cron) return cronSchedule(expression, cron[1]);
  throw new ScheduleExpressionError(
    `Parameter ScheduleExpression is not valid: "${expression}" is neither rate(value unit) nor cron(6 fields)`,
    { expression },
  );
}

function rateSchedule(expression: string, value: number, unit: string): Schedule {
  const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
  // EventBridge: a value of 1 takes the singular unit, anything larger the plural.
  if (value < 1 || (value === 1) !== (singular === unit)) {
    throw new ScheduleExpressionError(
      `Parameter ScheduleExpression is not valid: ${expression} (value ≥ 1; "1 ${singular}" but "${value > 1 ? value : 2} ${singular}s")`,
      { expression },
    );
  }
  const periodMs = value * UNIT_MS[singular as keyof typeof UNIT_MS];
  return { expression, kind: 'rate', next: (afterMs) => afterMs + periodMs };
}

function cronSchedule(expression: string, body: string): Schedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(
      `Parameter ScheduleExpression is not valid: ${expression} has ${fields.length} fields, cron needs 6 (minutes hours day-of-month month day-of-week year)`,
      { expression },
    );
  }
  fields.forEach((field, index) => {
    const spec = CRON_FIELDS[index];
    if (!spec.allowed.test(field)) {
      throw new ScheduleExpressionError(
        `Parameter ScheduleExpression is not valid: ${expression}: ${spec.name} field "${field}"`,
        { expression, field: spec.name },
      );
    }
  });
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ScheduleExpressionError(
      `Parameter ScheduleExpression is not valid: ${expression}: exactly one of day-of-month and day-of-week must be ?`,
      { expression },
    );
  }
  const pattern = [
    '0',
    minutes,
    hours,
    dayOfMonth === '?' ? '*' : dayOfMonth,
    month,
    dayOfWeek === '?' ? '*' : translateDayOfWeek(dayOfWeek),
    year,
  ].join(' ');
  let cron: Cron;
  try {
    cron = new Cron(pattern, {
      paused: true,
      utcOffset: 0,
      mode: '7-part',
      // Quartz numbering (1 = Sunday) and AND of the two day fields: the `?` one matches every day.
      alternativeWeekdays: true,
      domAndDow: true,
      // EventBridge writes steps as `0/15`.
      sloppyRanges: true,
    });
  } catch (error) {
    throw new ScheduleExpressionError(
      `Parameter ScheduleExpression is not valid: ${expression} (${error instanceof Error ? error.message : String(error)})`,
      { expression, pattern },
      { cause: error },
    );
  }
  return {
    expression,
    kind: 'cron',
    next: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime(),
  };
}

/** Quartz `L` alone is the week's last day (Saturday, 7); `nL` is the month's last weekday n, croner's `n#L`. */
function translateDayOfWeek(field: string): string {
  if (field === 'L') return '7';
  const last = /^([1-7A-Za-z]{1,3})L$/.exec(field);
  return last ? `${last[1]}#L` : field;
}
