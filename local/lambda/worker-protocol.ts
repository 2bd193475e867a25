/**
 * Messages between a function's pool (main thread) and a sandbox worker (lambda-worker.ts). Events and
 * results cross as JSON text, as they cross Lambda's Invoke API: what a handler returns is what
 * JSON.stringify makes of it, never a structured clone of live objects.
 */
import type { LambdaErrorPayload } from './types.ts';

/** workerData of a sandbox. */
export interface SandboxInit {
  readonly bundlePath: string;
  readonly exportName: string;
  /** The handler as serverless.yml names it, for error messages. */
  readonly handlerName: string;
  /** NODE_OPTIONS has --enable-source-maps (workers ignore NODE_OPTIONS, so the worker turns it on itself). */
  readonly enableSourceMaps: boolean;
  /** The context fields every invocation of this sandbox shares: sent once, not with each invocation. */
  readonly context: SandboxContext;
}

/** The data fields of Lambda's context object that stay the same for a sandbox. */
export interface SandboxContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  /** A string, as in Lambda's Node.js runtime. */
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** What changes per invocation; the worker adds the context's functions. */
export interface InvocationFields {
  readonly awsRequestId: string;
  /** Epoch ms after which the invocation times out. */
  readonly deadlineMs: number;
}

export interface InvokeMessage extends InvocationFields {
  readonly type: 'invoke';
  readonly id: number;
  readonly eventJson: string;
}

/**
 * The handler's output (console, loggers, process.stdout/stderr writes) travels on the message port with
 * the results rather than through the worker's stdio streams: one channel keeps it in order, so a
 * result carries the output written before it and an invocation's lines are in the log before its END
 * line — with no flush round trip per invocation. `output` messages carry what is written outside an
 * invocation or while a long one runs.
 */
export type SandboxMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly error: LambdaErrorPayload }
  | { readonly type: 'output'; readonly text: string }
  | { readonly type: 'result'; readonly id: number; readonly resultJson: string; readonly output: string }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly error: LambdaErrorPayload;
      readonly output: string;
    };
