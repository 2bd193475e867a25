import { ConflictError, NotFoundError } from '../layers/core/errors.ts';
import { MlError } from '../layers/ml/errors.ts';

/** Bad command-line usage: a missing argument, an unknown flag or command. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** A file the user named cannot be read or parsed. */
export class InputFileError extends Error {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputFileError';
    this.path = path;
  }
}

/** 2 for anything the user can fix (data, params, usage, files); 1 for our own failures. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof MlError || error instanceof UsageError || error instanceof InputFileError) return 2;
  // A model, version or alias that is not there, or one someone else moved first: the user can act on it.
  if (error instanceof NotFoundError || error instanceof ConflictError) return 2;
  if (error instanceof TypeError && 'code' in error && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return 2;
  if (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS')
  )
    return 2;
  return 1;
}
