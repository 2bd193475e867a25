/**
 * Errors of reading the stack's configuration. Each names what to fix: the serverless.yml path, the
 * intrinsic function, or serverless's own message.
 */
import { SynergyError } from '../../layers/core/errors.ts';

/** `serverless print` failed; the message carries serverless's own output. */
export class ServerlessPrintError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ServerlessPrintError';
  }
}

/** The printed configuration lacks something the local runtime needs, or has it in a shape it cannot run. */
export class StackConfigError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'StackConfigError';
  }
}

/** A CloudFormation intrinsic function that cannot be resolved locally; the message names its path. */
export class IntrinsicError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'IntrinsicError';
  }
}
