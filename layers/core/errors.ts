/**
 * Errors of the use cases. Each sets `name` (it becomes the Lambda errorType and so the Step Functions
 * Error that Catch and the run record see), carries context and keeps its cause.
 */
export class SynergyError extends Error {
  readonly context: Readonly<Record<string, unknown>>;
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SynergyError';
    this.context = context;
  }
}

/** A referenced object, run, version or alias does not exist. */
export class NotFoundError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'NotFoundError';
  }
}

/** A conditional write lost: someone else changed the item first. */
export class ConflictError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ConflictError';
  }
}

/** A run's `_config.json` (or the trigger's options) fails validation; the message names the field. */
export class RunConfigError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'RunConfigError';
  }
}

/** Plan refused a cell that would not finish inside Lambda's 15-minute limit. */
export class CellTooLargeError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'CellTooLargeError';
  }
}
