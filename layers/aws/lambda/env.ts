/**
 * The environment variables the functions read, validated with zod once per container at module scope, so a
 * deployment mistake fails at cold start with the variable's name rather than deep inside a use case.
 * Each function lists only the variables it needs (serverless.yml gives it only those). zod/mini, because
 * the serving functions import this and their bundles must stay small.
 */
import * as z from '../../ml/zod.ts';
import { EnvConfigError } from './errors.ts';
import { describeIssues, issuePath } from './zod-issue.ts';

const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

/** A blank variable is not 0 (Number('') is). */
function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** A number written as a string in the environment; `rule` is the message when it breaks `accepts`. */
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

/** Every variable a function may read, with its rule. */
export const ENV_VARIABLES = {
  /** The data bucket: uploads, run artifacts, registered models. */
  DATA_BUCKET: z
    .string()
    .check(
      z.regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be an S3 bucket name (3-63 lower-case letters, digits, . or -)',
      ),
    ),
  RUNS_TABLE: nonEmpty,
  REGISTRY_TABLE: nonEmpty,
  TRAINING_STATE_MACHINE_ARN: z
    .string()
    .check(z.regex(/^arn:[\w-]+:states:[\w-]*:\d*:stateMachine:[\w-]+$/, 'must be a state machine ARN')),
  /** Recorded in each model version's lineage. */
  CODE_VERSION: nonEmpty,
  /** The API keys the authorizer checks (hash key keyId). */
  API_KEYS_TABLE: nonEmpty,
  /** How long the predict function reuses an alias → version lookup. */
  SERVING_ALIAS_TTL_SECONDS: numberVariable('must be a number ≥ 0', (value) => value >= 0),
  /** Most model versions one predict container keeps loaded. */
  MODEL_CACHE_SIZE: positiveInteger,
  /** Share of scored rows captured to S3. */
  CAPTURE_SAMPLE_RATE: numberVariable('must be a number from 0 to 1', (value) => value >= 0 && value <= 1),
  /** Captured rows buffered before a capture file is written. */
  CAPTURE_BATCH_ROWS: positiveInteger,
  /** Longest a captured row waits in the buffer before a capture file is written. */
  CAPTURE_BATCH_SECONDS: numberVariable('must be a number > 0', (value) => value > 0),
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

export type EnvVariable = keyof typeof ENV_VARIABLES;
export type FunctionEnv<K extends EnvVariable> = { readonly [P in K]: z.output<(typeof ENV_VARIABLES)[P]> };

/** Parses the named variables from `source`; the first missing or malformed one is named in the error. */
export function parseEnv<K extends EnvVariable>(
  names: readonly K[],
  source: Readonly<Record<string, string | undefined>> = process.env,
): FunctionEnv<K> {
  const shape = Object.fromEntries(names.map((name) => [name, ENV_VARIABLES[name]]));
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
  return parsed.data as FunctionEnv<K>;
}

/**
 * The named variables that are set, validated as parseEnv does; those not set are left out, for the wiring
 * to report (EnvConfigError naming the variable) if the function ever uses them.
 */
export function parseEnvIfSet<K extends EnvVariable>(
  names: readonly K[],
  source: Readonly<Record<string, string | undefined>> = process.env,
): Partial<FunctionEnv<K>> {
  return parseEnv(
    names.filter((name) => source[name] !== undefined),
    source,
  );
}
