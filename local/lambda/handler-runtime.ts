/**
 * What runs a handler the way Lambda's Node.js runtime does — import the bundle, find the export, build the
 * context, call async or callback-style handlers, report errors as Lambda's payload — shared by the
 * sandbox worker (lambda-worker.ts) and the HTTP API edge thread (local/http-api/edge-worker.ts).
 */
import { pathToFileURL } from 'node:url';
import type { LambdaErrorPayload } from './types.ts';
import type { SandboxContext, SandboxInit } from './worker-protocol.ts';

export type Callback = (error?: unknown, result?: unknown) => void;
export type Handler = (event: unknown, context: LambdaContext, callback: Callback) => unknown;

export interface LambdaContext extends SandboxContext {
  awsRequestId: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error: unknown): void;
}

/** The error payload Lambda's Node.js runtime reports (errorType is the error's name). */
export function toPayload(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

export async function loadHandler(
  init: Pick<SandboxInit, 'bundlePath' | 'exportName' | 'handlerName' | 'enableSourceMaps'>,
): Promise<Handler | LambdaErrorPayload> {
  if (init.enableSourceMaps) process.setSourceMapsEnabled(true);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(init.bundlePath).href);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ERR_MODULE_NOT_FOUND'
      ? { ...toPayload(error), errorType: 'Runtime.ImportModuleError' }
      : toPayload(error);
  }
  const namespace = module.default as Record<string, unknown> | undefined;
  const handler = module[init.exportName] ?? namespace?.[init.exportName];
  if (typeof handler !== 'function') {
    return {
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: `${init.handlerName} is undefined or not exported`,
      trace: [],
    };
  }
  return handler as Handler;
}

/** Built field by field (no rest/spread): this runs on every invocation. */
export function contextFor(
  shared: SandboxContext,
  awsRequestId: string,
  deadlineMs: number,
  callback: Callback,
): LambdaContext {
  return {
    functionName: shared.functionName,
    functionVersion: shared.functionVersion,
    invokedFunctionArn: shared.invokedFunctionArn,
    memoryLimitInMB: shared.memoryLimitInMB,
    awsRequestId,
    logGroupName: shared.logGroupName,
    logStreamName: shared.logStreamName,
    // Kept for handlers that set it; a worker cannot wait for "an empty event loop" of its own.
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: callback,
    succeed: (result) => callback(undefined, result),
    fail: (error) => callback(error),
  };
}

/** Async handlers resolve; callback-style ones (three parameters, no promise) call back. */
export function callHandler(
  handler: Handler,
  event: unknown,
  shared: SandboxContext,
  awsRequestId: string,
  deadlineMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback: Callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, contextFor(shared, awsRequestId, deadlineMs, callback), callback);
      if (isThenable(returned)) returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
