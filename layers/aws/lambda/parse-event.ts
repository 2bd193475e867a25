import * as z from '../../ml/zod.ts';
import { InvalidEventError } from './errors.ts';
import { describeIssues, issuePath } from './zod-issue.ts';

/**
 * Validates a function's event at the edge. The message names the first bad field, so the Step Functions
 * Cause and the run record say what was wrong without anyone reading the logs. Takes classic or mini
 * schemas (the pipeline functions use classic zod, the serving functions zod/mini).
 */
export function parseEvent<S extends z.core.$ZodType>(
  schema: S,
  event: unknown,
  functionKey: string,
): z.output<S> {
  const parsed = z.safeParse(schema, event);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const field = first === undefined ? '(root)' : issuePath(first);
  throw new InvalidEventError(`${functionKey}: invalid event: ${field}: ${first?.message ?? 'invalid'}`, {
    function: functionKey,
    field,
    issues: describeIssues(parsed.error),
  });
}
