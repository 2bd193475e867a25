/** Base of every error raised by layers/ml; `name` is set so callers can branch without instanceof. */
export class MlError extends Error {
  readonly context: Readonly<Record<string, unknown>>;
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MlError';
    this.context = context;
  }
}

/**
 * Bad input data. `row` is the 1-based line-oriented record number as a person counts it in the file
 * (the header is row 1, the first data record row 2); `column` is the header name.
 */
export class DataError extends MlError {
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly code: DataErrorCode;
  constructor(
    code: DataErrorCode,
    message: string,
    where: { row?: number; column?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, { code, ...where }, options);
    this.name = 'DataError';
    this.code = code;
    this.row = where.row;
    this.column = where.column;
  }
}

export type DataErrorCode =
  | 'EMPTY_FILE'
  | 'HEADER_ONLY'
  | 'MALFORMED_CSV'
  | 'RAGGED_ROW'
  | 'DUPLICATE_HEADER'
  | 'EMPTY_HEADER'
  | 'TARGET_MISSING'
  | 'MISSING_TARGET_VALUE'
  | 'TOO_FEW_CLASSES'
  | 'CLASS_TOO_SMALL'
  | 'NON_NUMERIC_VALUE'
  | 'NO_FEATURES'
  | 'UNKNOWN_COLUMN'
  | 'INVALID_VALUE';

/** Hyperparameters or options that fail validation. */
export class ParamsError extends MlError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ParamsError';
  }
}

/** A model artifact that cannot be read back (wrong format/version, corrupted arrays). */
export class ModelFormatError extends MlError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ModelFormatError';
  }
}
