/**
 * The local handler of a Lambda Task state: invokes the function through the LambdaInvoker, records the
 * Lambda events AWS would, and turns an invocation error into the Error/Cause Retry and Catch match
 * (Error = the Lambda errorType, Cause = Lambda's error payload text).
 */
import type { LambdaInvoker } from '../lambda/types.ts';
import { StateError } from './errors.ts';
import { type HistorySink, NOT_TRUNCATED, toJsonText } from './history.ts';
import { isJsonObject, type JsonValue } from './json.ts';
import type { LibraryJson, TaskHandler } from './library.ts';
import { assertWithinPayloadLimit } from './payload-limit.ts';
import { afterDispatchedEvents } from './run-context.ts';
import type { LambdaRoute } from './runnable-machine.ts';

export interface LambdaEnvironment {
  readonly invoker: LambdaInvoker;
  readonly resolveFunction: (resource: unknown, parameters?: unknown) => string;
  readonly region: string;
  readonly accountId: string;
}

export interface TaskScope {
  /** Aborted when the execution stops: in-flight invocations are given up. */
  readonly signal: AbortSignal;
  readonly history: HistorySink;
}

export function lambdaTaskHandler(route: LambdaRoute, scope: TaskScope, env: LambdaEnvironment): TaskHandler {
  // A direct function reference resolves once, so an unknown function fails when the engine starts.
  const staticKey = route.invokeIntegration ? undefined : env.resolveFunction(route.resource);
  const events = route.invokeIntegration ? integrationEvents(env.region) : directEvents(env);
  return async (input) => {
    const functionKey = staticKey ?? env.resolveFunction(route.resource, input);
    const cause = `the task did not finish within TimeoutSeconds (${route.timeoutSeconds})`;
    const invocation = new AbortController();
    let timedOut = false;
    // The library fails the state with States.Timeout when its own timer, started right after this call,
    // fires. This one is started first, so it fires first: the TimedOut event is in the history before the
    // state fails, and the invocation is stopped.
    const timer =
      route.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            events.timedOut(scope.history, functionKey, 'States.Timeout', cause);
            invocation.abort(new Error('States.Timeout'));
          }, route.timeoutSeconds * 1000);
    // Let the library's StateEntered reach the history before this task's own events.
    await afterDispatchedEvents();
    if (scope.signal.aborted) {
      if (timer) clearTimeout(timer);
      throw abortedError(route.stateName);
    }
    const event =
      route.invokeIntegration && isJsonObject(input) ? (input.Payload ?? null) : (input as JsonValue);
    events.scheduled(scope.history, functionKey, input as JsonValue, route.timeoutSeconds);
    const onAbort = () => invocation.abort(scope.signal.reason);
    scope.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = asJsonResult(
        await env.invoker.invoke(functionKey, event, { signal: invocation.signal }),
      );
      const output = route.invokeIntegration ? wrapInvokeResult(result) : result;
      events.succeeded(scope.history, functionKey, output);
      return assertWithinPayloadLimit(route.stateName, output) as LibraryJson;
    } catch (error) {
      if (error instanceof StateError && error.name === 'States.DataLimitExceeded') throw error;
      // The library's own timer (started right after ours, same duration) fails the state with its
      // States.Timeout error, the only one States.TaskFailed does not catch; it does not export that class,
      // so this invocation leaves the state to it instead of failing it with a catchable look-alike.
      if (timedOut) return new Promise<LibraryJson>(() => {});
      if (scope.signal.aborted) throw abortedError(route.stateName);
      const failure = describeInvocationError(error);
      events.failed(scope.history, functionKey, failure.error, failure.cause);
      throw new StateError(failure.error, failure.cause);
    } finally {
      if (timer) clearTimeout(timer);
      scope.signal.removeEventListener('abort', onAbort);
    }
  };
}

/** A Lambda error's name is its errorType; its Cause the text Step Functions shows (the JSON payload). */
export function describeInvocationError(error: unknown): { error: string; cause: string } {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    return { error: error.name, cause: typeof cause === 'string' ? cause : error.message };
  }
  return { error: 'Lambda.Unknown', cause: String(error) };
}

/** Lambda serializes the handler's result to JSON; `undefined` arrives as null. */
function asJsonResult(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

function abortedError(stateName: string): StateError {
  return new StateError('States.Aborted', `the execution was stopped during ${stateName}`, {
    retryable: false,
    catchable: false,
  });
}

/** What arn:aws:states:::lambda:invoke returns around the function's result. */
function wrapInvokeResult(payload: JsonValue): JsonValue {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: {},
    StatusCode: 200,
  };
}

interface TaskEvents {
  scheduled(history: HistorySink, functionKey: string, input: JsonValue, timeoutSeconds?: number): void;
  succeeded(history: HistorySink, functionKey: string, output: JsonValue): void;
  failed(history: HistorySink, functionKey: string, error: string, cause: string): void;
  timedOut(history: HistorySink, functionKey: string, error: string, cause: string): void;
}

/** A function as the Resource: LambdaFunction* events. */
function directEvents(env: LambdaEnvironment): TaskEvents {
  const functionArn = (key: string) => `arn:aws:lambda:${env.region}:${env.accountId}:function:${key}`;
  return {
    scheduled(history, key, input, timeoutSeconds) {
      history.record({
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: {
          resource: functionArn(key),
          input: toJsonText(input),
          inputDetails: NOT_TRUNCATED,
          timeoutInSeconds: timeoutSeconds,
        },
      });
      history.record({ type: 'LambdaFunctionStarted' });
    },
    succeeded(history, _key, output) {
      history.record({
        type: 'LambdaFunctionSucceeded',
        lambdaFunctionSucceededEventDetails: { output: toJsonText(output), outputDetails: NOT_TRUNCATED },
      });
    },
    failed(history, _key, error, cause) {
      history.record({ type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error, cause } });
    },
    timedOut(history, _key, error, cause) {
      history.record({
        type: 'LambdaFunctionTimedOut',
        lambdaFunctionTimedOutEventDetails: { error, cause },
      });
    },
  };
}

/** arn:aws:states:::lambda:invoke: Task* events with resourceType lambda, resource invoke. */
function integrationEvents(region: string): TaskEvents {
  const resource = { resourceType: 'lambda', resource: 'invoke' };
  return {
    scheduled(history, _key, input, timeoutSeconds) {
      history.record({
        type: 'TaskScheduled',
        taskScheduledEventDetails: {
          ...resource,
          region,
          parameters: toJsonText(input),
          timeoutInSeconds: timeoutSeconds,
        },
      });
      history.record({ type: 'TaskStarted', taskStartedEventDetails: resource });
    },
    succeeded(history, _key, output) {
      history.record({
        type: 'TaskSucceeded',
        taskSucceededEventDetails: { ...resource, output: toJsonText(output), outputDetails: NOT_TRUNCATED },
      });
    },
    failed(history, _key, error, cause) {
      history.record({ type: 'TaskFailed', taskFailedEventDetails: { ...resource, error, cause } });
    },
    timedOut(history, _key, error, cause) {
      history.record({ type: 'TaskTimedOut', taskTimedOutEventDetails: { ...resource, error, cause } });
    },
  };
}
