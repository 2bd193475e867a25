import { MlError, ModelFormatError, ParamsError } from '../../ml/errors.ts';
import type { CellResult } from '../../ml/search/cell.ts';

/** An MlError as it crosses the thread boundary (structured clone keeps neither class nor context). */
export interface SerializedMlError {
  readonly name: string;
  readonly message: string;
  readonly context: Record<string, unknown>;
}

/** What a pool worker posts back for one cell. */
export type CellReply = { readonly result: CellResult } | { readonly error: SerializedMlError };

export function serializeMlError(error: MlError): SerializedMlError {
  let context: Record<string, unknown> = {};
  try {
    context = JSON.parse(JSON.stringify(error.context)) as Record<string, unknown>;
  } catch {
    // A context that is not plain data is dropped; the message still says what went wrong.
  }
  return { name: error.name, message: error.message, context };
}

/**
 * The error again, as the class callers branch on (the CLI exits 2 for MlError), so a bad cell fails the
 * same way on the pool as in-process.
 */
export function reviveMlError(error: SerializedMlError): MlError {
  if (error.name === 'ParamsError') return new ParamsError(error.message, error.context);
  if (error.name === 'ModelFormatError') return new ModelFormatError(error.message, error.context);
  const revived = new MlError(error.message, error.context);
  revived.name = error.name;
  return revived;
}
