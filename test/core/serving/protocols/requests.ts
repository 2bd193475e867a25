/** Request fixtures (test/fixtures/serving/requests) read as text, and a helper that expects a refusal. */
import { readFileSync } from 'node:fs';
import { ServingRequestError } from '../../../../layers/core/serving/errors.ts';

export function requestFixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/serving/requests/${name}`, import.meta.url), 'utf8');
}

export function refusal(run: () => unknown): ServingRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServingRequestError) return error;
    throw error;
  }
  throw new Error('expected a ServingRequestError');
}
