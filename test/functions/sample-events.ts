import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const eventsDir = fileURLToPath(new URL('../../events/', import.meta.url));

/** A sample event from events/ (a fresh copy each time, so a test may edit it). */
export async function sampleEvent(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(`${eventsDir}${name}.json`, 'utf8')) as Record<string, unknown>;
}
