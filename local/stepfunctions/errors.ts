/**
 * Errors of the local Step Functions. Two families: errors of the engine and its API (each names the AWS
 * error type the API stand-in answers with), and StateError, the error a state raises inside an
 * execution, which Retry and Catch match by name.
 */
import { SynergyError } from '../../layers/core/errors.ts';

export class LocalStepFunctionsError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'LocalStepFunctionsError';
  }
}

/** The error types of the Step Functions API this stand-in can answer with (AWS's `__type`). */
export type StepFunctionsErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'StateMachineDoesNotExist'
  | 'InvalidArn'
  | 'InvalidName'
  | 'InvalidExecutionInput'
  | 'InvalidToken'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'ServiceUnavailable';

/** A request the Step Functions API refuses; `type` is what AWS would put in `__type`. */
export class StepFunctionsApiError extends LocalStepFunctionsError {
  readonly type: StepFunctionsErrorType;
  constructor(
    type: StepFunctionsErrorType,
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, { ...context, type }, options);
    this.name = 'StepFunctionsApiError';
    this.type = type;
  }
}

export interface DefinitionProblem {
  readonly path: string;
  readonly message: string;
}

/** A definition the local runner cannot run as AWS would (lint problems), or one that is not valid ASL. */
export class UnsupportedDefinitionError extends LocalStepFunctionsError {
  readonly problems: readonly DefinitionProblem[];
  constructor(stateMachine: string, problems: readonly DefinitionProblem[]) {
    const list = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
    super(`state machine ${stateMachine} cannot run locally as it would on AWS: ${list}`, {
      stateMachine,
      problems,
    });
    this.name = 'UnsupportedDefinitionError';
    this.problems = problems;
  }
}

/**
 * An error raised inside an execution. aws-local-stepfunctions matches Retry/Catch on `error.name` and
 * puts `error.message` in the Catch output's Cause (and `error.cause ?? error.message` in its events),
 * so the Step Functions Error is the name here and the Cause text is both message and cause. Its
 * `isRetryable`/`isCatchable` are read by the library (States.Runtime-like errors are neither).
 */
export class StateError extends Error {
  override readonly cause: string;
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;
  constructor(error: string, cause: string, options: { retryable?: boolean; catchable?: boolean } = {}) {
    super(cause);
    this.name = error;
    this.cause = cause;
    this.isRetryable = options.retryable ?? true;
    this.isCatchable = options.catchable ?? true;
  }
}
