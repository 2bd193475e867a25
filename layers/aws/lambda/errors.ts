/**
 * Errors raised at the Lambda edge, before or around a use case. Each sets `name`: the Lambda runtime
 * reports it as errorType, which is the Error that Step Functions Retry/Catch match and the run record keeps.
 */
import { SynergyError } from '../../core/errors.ts';

/** The event does not have the shape the function expects; the message names the first bad field. */
export class InvalidEventError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'InvalidEventError';
  }
}

/** A required environment variable is missing or malformed: a deployment mistake, reported at cold start. */
export class EnvConfigError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'EnvConfigError';
  }
}

/**
 * The handler was still running shortly before the Lambda deadline. Raised by the handler builder (its
 * abort signal fired first) so the failure has a name and a message instead of a bare Sandbox.Timedout.
 */
export class LambdaDeadlineError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'LambdaDeadlineError';
  }
}
