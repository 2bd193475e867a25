/**
 * The environment variables the functions read, validated with zod once per container at module scope, so a
 * deployment mistake fails at cold start with the variable's name rather than deep inside a use case.
 * Each function lists only the variables it needs (serverless.yml gives it only those).
 */
import { z } from 'zod';
import { EnvConfigError } from './errors.ts';
import { describeIssues, issuePath } from './zod-issue.ts';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** Every variable a function may read, with its rule. */
export const ENV_VARIABLES = {
  /** The data bucket: uploads, run artifacts, registered models. */
  DATA_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be an S3 bucket name (3-63 lower-case letters, digits, . or -)',
    ),
  RUNS_TABLE: nonEmpty,
  REGISTRY_TABLE: nonEmpty,
  TRAINING_STATE_MACHINE_ARN: z
    .string()
    .regex(/^arn:[\w-]+:states:[\w-]*:\d*:stateMachine:[\w-]+$/, 'must be a state machine ARN'),
  /** Recorded in each model version's lineage. */
  CODE_VERSION: nonEmpty,
} as const;

export type EnvVariable = keyof typeof ENV_VARIABLES;
export type FunctionEnv<K extends EnvVariable> = { readonly [P in K]: z.output<(typeof ENV_VARIABLES)[P]> };

/** Parses the named variables from `source`; the first missing or malformed one is named in the error. */
export function parseEnv<K extends EnvVariable>(
  names: readonly K[],
  source: Readonly<Record<string, string | undefined>> = process.env,
): FunctionEnv<K> {
  const shape = Object.fromEntries(names.map((name) => [name, ENV_VARIABLES[name]]));
  const parsed = z.object(shape).safeParse(source);
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
