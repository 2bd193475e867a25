/**
 * `<stateDir>/endpoints.json`: where a running local stack listens, so other processes (the CLI, a
 * second terminal, tests) find it. Present only while the stack runs.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalEndpoints {
  readonly s3: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  /** The CloudWatch and EventBridge stand-ins (absent in files written before issue #6). */
  readonly cloudwatch?: string;
  readonly eventbridge?: string;
  /** The HTTP API adapter, when one runs. */
  readonly api: string | null;
  readonly bucket: string;
  readonly region: string;
}

export function endpointsFile(stateDir: string): string {
  return join(stateDir, 'endpoints.json');
}

export async function writeEndpoints(stateDir: string, endpoints: LocalEndpoints): Promise<string> {
  const file = endpointsFile(stateDir);
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(endpoints, null, 2)}\n`);
  await rename(partial, file);
  return file;
}

/** undefined when no stack runs with this state directory (or it did not stop cleanly and left no file). */
export async function readEndpoints(stateDir: string): Promise<LocalEndpoints | undefined> {
  try {
    return JSON.parse(await readFile(endpointsFile(stateDir), 'utf8')) as LocalEndpoints;
  } catch {
    return undefined;
  }
}

export async function removeEndpoints(stateDir: string): Promise<void> {
  await rm(endpointsFile(stateDir), { force: true });
}
