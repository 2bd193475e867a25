import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** `.synergy/endpoints.json`, as `synergy dev` writes it. */
export const endpointsSchema = z.object({
  s3: z.string(),
  dynamodb: z.string(),
  stepfunctions: z.string(),
  api: z.string().nullable(),
  bucket: z.string(),
  region: z.string(),
});
export type Endpoints = z.infer<typeof endpointsSchema>;

/** The endpoints of a running `synergy dev`, or undefined when none answers. */
export async function findRunningStack(stateDir: string): Promise<Endpoints | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, 'endpoints.json'), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = endpointsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return undefined;
  // A dev stack killed with SIGKILL leaves its file behind: only a stack that answers counts.
  const alive = await fetch(parsed.data.dynamodb, { method: 'GET', signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  );
  return alive ? parsed.data : undefined;
}
