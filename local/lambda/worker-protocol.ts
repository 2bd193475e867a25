/**
 * Messages between a function's pool (main thread) and a sandbox worker (lambda-worker.ts). Events and
 * results cross as JSON text, as they cross Lambda's Invoke API: what a handler returns is what
 * JSON.stringify makes of it, never a structured clone of live objects.
 */
import type { LambdaErrorPayload } from './types.ts';

/**
 * Written by the worker to stdout and stderr after an invocation, before its result: output and messages
 * travel on different channels, so the result waits until both markers came through — a handler's
 * lines then always precede its END line, and are all in the log when the invocation resolves.
 */
export const FLUSH_MARKER = '\u001esynergy-flush:';

/** workerData of a sandbox. */
export interface SandboxInit {
  readonly bundlePath: string;
  readonly exportName: string;
  /** The handler as serverless.yml names it, for error messages. */
  readonly handlerName: string;
  /** NODE_OPTIONS has --enable-source-maps (workers ignore NODE_OPTIONS, so the worker turns it on itself). */
  readonly enableSourceMaps: boolean;
}

/** The fields of Lambda's context object that are data; the worker adds the functions. */
export interface ContextFields {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  /** A string, as in Lambda's Node.js runtime. */
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Epoch ms after which the invocation times out. */
  readonly deadlineMs: number;
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly eventJson: string;
  readonly context: ContextFields;
}

export type SandboxMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly error: LambdaErrorPayload }
  | { readonly type: 'result'; readonly id: number; readonly resultJson: string }
  | { readonly type: 'error'; readonly id: number; readonly error: LambdaErrorPayload };
