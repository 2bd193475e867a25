/**
 * The environment variables of the monitoring functions (monitor, feedback, retrain) and of the registry
 * events (register, promote), validated once per container like lambda/env.ts's, with the same messages:
 * the variable's name and what it must be. Kept apart from ENV_VARIABLES only because that table belongs to
 * the pipeline; the two could merge.
 */
import * as z from '../ml/zod.ts';
import { EnvConfigError } from './lambda/errors.ts';
import { describeIssues, issuePath } from './lambda/zod-issue.ts';

const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

/** A blank variable is not 0 (Number('') is). */
function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

function numberVariable(rule: string, accepts: (value: number) => boolean) {
  return z.pipe(
    z.string().check(
      z.refine((text) => {
        const value = toNumber(text);
        return Number.isFinite(value) && accepts(value);
      }, rule),
    ),
    z.transform(toNumber),
  );
}

const positiveInteger = numberVariable(
  'must be an integer ≥ 1',
  (value) => Number.isInteger(value) && value >= 1,
);

export const MONITORING_VARIABLES = {
  /** The capture window each monitor run compares with the baseline. */
  MONITOR_WINDOW_SECONDS: positiveInteger,
  /** `synergy-<stage>-`: alarms are `<prefix><model>-drift` and `<prefix><model>-accuracy`. */
  ALARM_PREFIX: nonEmpty,
  /** The drift alarm fires above this maximum PSI. */
  DRIFT_PSI_THRESHOLD: numberVariable('must be a number > 0', (value) => value > 0),
  /** The accuracy alarm fires below this live accuracy. */
  ACCURACY_FLOOR: numberVariable('must be a number from 0 to 1', (value) => value >= 0 && value <= 1),
  /** CloudWatch accepts alarm periods of 10, 30 or a multiple of 60 seconds. */
  ALARM_PERIOD_SECONDS: numberVariable(
    'must be 10, 30 or a multiple of 60 (seconds)',
    (value) => value === 10 || value === 30 || (Number.isInteger(value) && value >= 60 && value % 60 === 0),
  ),
  /** How far back feedback looks for the captured predictions it is joined with. */
  FEEDBACK_LOOKBACK_DAYS: positiveInteger,
  /** The EMF namespace (Powertools reads it too); alarms must name the same. */
  POWERTOOLS_METRICS_NAMESPACE: nonEmpty,
  /** The `service` dimension Powertools adds to every metric; alarms must name the same. */
  POWERTOOLS_SERVICE_NAME: nonEmpty,
  /** The EventBridge bus registry events go to (`default`). */
  EVENT_BUS_NAME: nonEmpty,
} as const;

export type MonitoringVariable = keyof typeof MONITORING_VARIABLES;
export type MonitoringEnvOf<K extends MonitoringVariable> = {
  readonly [P in K]: z.output<(typeof MONITORING_VARIABLES)[P]>;
};

/** Parses the named variables from `source`; the first missing or malformed one is named in the error. */
export function parseMonitoringEnv<K extends MonitoringVariable>(
  names: readonly K[],
  source: Readonly<Record<string, string | undefined>> = process.env,
): MonitoringEnvOf<K> {
  const shape = Object.fromEntries(names.map((name) => [name, MONITORING_VARIABLES[name]]));
  const parsed = z.safeParse(z.object(shape), source);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const variable = first === undefined ? names.join(', ') : issuePath(first);
    const problem = source[variable] === undefined ? 'is not set' : first?.message;
    throw new EnvConfigError(`Environment variable ${variable} ${problem}`, {
      variable,
      issues: describeIssues(parsed.error),
    });
  }
  return parsed.data as MonitoringEnvOf<K>;
}

/**
 * The named variables that are set, validated as parseMonitoringEnv does; those not set are left out, for
 * the wiring to report (EnvConfigError naming the variable) if the function ever uses them.
 */
export function parseMonitoringEnvIfSet<K extends MonitoringVariable>(
  names: readonly K[],
  source: Readonly<Record<string, string | undefined>> = process.env,
): Partial<MonitoringEnvOf<K>> {
  return parseMonitoringEnv(
    names.filter((name) => source[name] !== undefined),
    source,
  );
}
