/** A part of the printed configuration checked against its schema; a mismatch names the serverless.yml path. */
import { z } from 'zod';
import { StackConfigError } from './errors.ts';

export function parseConfig<T>(schema: z.ZodType<T>, raw: unknown, path: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new StackConfigError(
      `${path}: ${z.prettifyError(parsed.error)}`,
      { path },
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
