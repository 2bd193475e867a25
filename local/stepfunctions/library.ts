/**
 * The seam to aws-local-stepfunctions: its types this folder needs (some are not exported, so they are
 * inferred), and how a finished run's rejection maps to Step Functions' Error and Cause.
 */
import './promise-with-resolvers.ts';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { JsonObject, JsonValue } from './json.ts';

export { StateMachine, type StateMachineDefinition };
export type LibraryRun = ReturnType<StateMachine['run']>;
export type LibraryEvent = LibraryRun['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
export type LibraryJson = Parameters<StateMachine['run']>[0];
export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
export type TaskHandler = TaskHandlers[string];

export type RunFailure =
  | { readonly kind: 'failed'; readonly error: string; readonly cause: string }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'timedOut'; readonly error: string; readonly cause: string };

/** A machine the library runs without re-validating (definitions are linted and validated up front). */
export function libraryMachine(definition: StateMachineDefinition): StateMachine {
  return new StateMachine(definition, { validationOptions: { noValidate: true } });
}

export function startLibraryRun(
  machine: StateMachine,
  input: JsonValue,
  handlers: TaskHandlers,
  context: JsonObject,
): LibraryRun {
  return machine.run(input as LibraryJson, { overrides: { taskResourceLocalHandlers: handlers }, context });
}

/** Error and Cause of a rejected run, as AWS reports them for the execution. */
export function describeRunFailure(error: unknown): RunFailure {
  if (error instanceof ExecutionAbortedError) return { kind: 'aborted' };
  if (error instanceof ExecutionTimeoutError) {
    return { kind: 'timedOut', error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds)' };
  }
  const failed = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (failed instanceof Error) {
    const cause: unknown = failed.cause ?? failed.message;
    return {
      kind: 'failed',
      error: failed.name,
      cause: typeof cause === 'string' ? cause : JSON.stringify(cause),
    };
  }
  return { kind: 'failed', error: 'States.Runtime', cause: String(failed) };
}

/** The error a nested run failed with, rethrown as is so Retry/Catch see its name and retryability. */
export function unwrapExecutionError(error: unknown): unknown {
  return error instanceof ExecutionError ? error.cause : error;
}
