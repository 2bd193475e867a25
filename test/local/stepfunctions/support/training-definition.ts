/** The real training state machine, read as `serverless print` would give it (variables resolved). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The serverless variable the definition uses for MaxConcurrency (a literal, not a JS template). */
const MAX_CONCURRENCY_VARIABLE = ['$', '{self:custom.training.maxConcurrency}'].join('');
const DEFINITION = fileURLToPath(new URL('../../../../state-machines/training.asl.yml', import.meta.url));

export function trainingDefinition(maxConcurrency = 4): Record<string, unknown> {
  const text = readFileSync(DEFINITION, 'utf8').replaceAll(MAX_CONCURRENCY_VARIABLE, String(maxConcurrency));
  return parse(text) as Record<string, unknown>;
}
