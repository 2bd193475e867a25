/**
 * Builds every Lambda handler the same way: middy with an early-abort signal, Powertools logging with the
 * Lambda context, EMF metrics flushed after each invocation, the event validated by a zod schema (classic or mini), and
 * errors logged once with their cause and rethrown unchanged so their `name` reaches Step Functions.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import type { z } from 'zod/mini';
import { LambdaDeadlineError } from './errors.ts';
import { logger, metrics } from './observability.ts';
import { parseEvent } from './parse-event.ts';

/** What a handler's body receives besides its parsed event. */
export interface Invocation {
  readonly context: LambdaContext;
  /** Aborted `timeoutEarlyInMillis` before the Lambda deadline: long work should stop and say so. */
  readonly signal: AbortSignal;
}

export interface HandlerSpec<S extends z.core.$ZodType, R> {
  /** The function's key in serverless.yml (prep, train…), used in messages. */
  readonly functionKey: string;
  readonly event: S;
  readonly handle: (event: z.output<S>, invocation: Invocation) => Promise<R>;
  /**
   * How long before the deadline the signal fires and the invocation fails with LambdaDeadlineError. Leaves
   * time for the error to be logged and the metrics flushed before Lambda freezes the sandbox.
   */
  readonly timeoutEarlyInMillis?: number;
}

export type LambdaHandler<R> = (event: unknown, context: LambdaContext) => Promise<R>;

const DEFAULT_TIMEOUT_EARLY_MS = 1_500;

/** Logs a failed invocation once, with the error's name, message, stack, cause chain and context. */
function logFailure(functionKey: string): MiddlewareObj<unknown, unknown, Error, LambdaContext> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error !== null) logger.error(`${functionKey} failed: ${error.name}: ${error.message}`, error);
    },
  };
}

export function lambdaHandler<S extends z.core.$ZodType, R>(spec: HandlerSpec<S, R>): LambdaHandler<R> {
  const timeoutEarlyInMillis = spec.timeoutEarlyInMillis ?? DEFAULT_TIMEOUT_EARLY_MS;
  const handler = middy<unknown, R, Error, LambdaContext>({
    timeoutEarlyInMillis,
    timeoutEarlyResponse: () => {
      throw new LambdaDeadlineError(
        `${spec.functionKey} was still running ${timeoutEarlyInMillis} ms before the Lambda deadline`,
        { function: spec.functionKey, timeoutEarlyInMillis },
      );
    },
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(logFailure(spec.functionKey))
    .handler(async (event: unknown, context: LambdaContext, { signal }: { signal: AbortSignal }) =>
      spec.handle(parseEvent(spec.event, event, spec.functionKey), { context, signal }),
    );
  return (event, context) => handler(event, context);
}
