/**
 * A request the endpoint refuses: the status says why (400 malformed or invalid, 404 no such model or
 * version, 413 too large, 415 unsupported content type, 503 a model that cannot be loaded), the message
 * names the offending field and reason, and never echoes the signature or the body.
 */
import { SynergyError } from '../errors.ts';

export type RequestErrorStatus = 400 | 404 | 405 | 413 | 415 | 422 | 503;

export class ServingRequestError extends SynergyError {
  readonly status: RequestErrorStatus;
  /** Where the problem is, as a reader would write it: `rows[3].duration`, `inputs[0].shape`. */
  readonly field: string | undefined;
  constructor(
    status: RequestErrorStatus,
    message: string,
    options: {
      readonly field?: string;
      readonly context?: Record<string, unknown>;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, { ...options.context, status, field: options.field }, { cause: options.cause });
    this.name = 'ServingRequestError';
    this.status = status;
    this.field = options.field;
  }
}
