/** The label people give a key ("ci", "alice's laptop"): shown in listings and logged with refusals. */
import { SynergyError } from '../errors.ts';

export const MAX_API_KEY_NAME_LENGTH = 64;
// Control characters would garble a listing or forge a log line.
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Why `name` cannot label a key, or undefined when it can. */
export function apiKeyNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'must not be empty';
  if (name !== name.trim()) return 'must not start or end with whitespace';
  if ([...name].length > MAX_API_KEY_NAME_LENGTH)
    return `must be at most ${MAX_API_KEY_NAME_LENGTH} characters`;
  if (CONTROL_CHARACTER.test(name)) return 'must not contain control characters';
  return undefined;
}

export class InvalidApiKeyNameError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'InvalidApiKeyNameError';
  }
}
