/**
 * Errors of the local CloudWatch. CloudWatch speaks AWS JSON 1.0 in "awsQuery compatible" mode: an error
 * goes out as `{"__type": "com.amazonaws.cloudwatch#<Shape>", "message"}` plus the header
 * `x-amzn-query-error: <Code>;Sender`, and the SDK maps the query code (`InvalidParameterValue`) back to its
 * exception class (`InvalidParameterValueException`, with `Error.Code` = the query code).
 */
import { SynergyError } from '../../layers/core/errors.ts';

export class LocalCloudWatchError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'LocalCloudWatchError';
  }
}

/** The query error codes this stand-in answers with, each with the SDK's shape name and HTTP status. */
const ERROR_SHAPES = {
  InvalidParameterValue: { shape: 'InvalidParameterValueException', status: 400 },
  MissingParameter: { shape: 'MissingRequiredParameterException', status: 400 },
  InvalidParameterCombination: { shape: 'InvalidParameterCombinationException', status: 400 },
  InvalidNextToken: { shape: 'InvalidNextToken', status: 400 },
  InternalServiceError: { shape: 'InternalServiceFault', status: 500 },
} as const;

export type CloudWatchErrorCode = keyof typeof ERROR_SHAPES;

/** A request CloudWatch refuses; `code` is the awsQuery error code the SDK surfaces as `Error.Code`. */
export class CloudWatchApiError extends LocalCloudWatchError {
  readonly code: CloudWatchErrorCode;
  constructor(
    code: CloudWatchErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, { ...context, code }, options);
    this.name = 'CloudWatchApiError';
    this.code = code;
  }

  /** The error shape's name in the CloudWatch model (what the SDK names the exception). */
  get shape(): string {
    return ERROR_SHAPES[this.code].shape;
  }

  get status(): number {
    return ERROR_SHAPES[this.code].status;
  }
}

/** An operation this stand-in does not serve: the JSON protocol's generic error, not a CloudWatch shape. */
export class UnknownOperationError extends LocalCloudWatchError {
  readonly operation: string;
  constructor(operation: string) {
    super(`Unknown operation ${operation || '(no X-Amz-Target)'}`, { operation });
    this.name = 'UnknownOperationError';
    this.operation = operation;
  }
}

/** An EMF document that breaks the specification: CloudWatch Logs drops it and extracts nothing. */
export class EmfValidationError extends LocalCloudWatchError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.name = 'EmfValidationError';
  }
}
