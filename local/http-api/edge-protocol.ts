/**
 * Messages between the stack (main thread) and the HTTP API's edge thread (edge-worker.ts). The edge
 * serves HTTP and runs one function's handler in its own thread; invocations of any other function (the
 * authorizer on a cache miss, other routes' functions) come back to the stack's sandboxes as messages.
 */
import type { HttpApiConfig } from '../config/http-api.ts';
import type { LambdaErrorPayload } from '../lambda/types.ts';
import type { SandboxContext } from '../lambda/worker-protocol.ts';
import type { ApiIdentity } from './event.ts';

export interface EdgeInit {
  readonly httpApi: HttpApiConfig;
  readonly api: ApiIdentity;
  /** 0: a free port. */
  readonly port: number;
  /** The function whose handler runs in the edge thread (the edge's env is that function's). */
  readonly inline: {
    readonly functionKey: string;
    readonly bundlePath: string;
    readonly exportName: string;
    readonly handlerName: string;
    readonly enableSourceMaps: boolean;
    readonly timeoutSeconds: number;
    readonly context: SandboxContext;
  };
}

export type EdgeMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'start-failed'; readonly error: LambdaErrorPayload }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'invoke'; readonly id: number; readonly functionKey: string; readonly eventJson: string }
  | { readonly type: 'closed' };

export type StackMessage =
  | { readonly type: 'invoked'; readonly id: number; readonly resultJson: string }
  | {
      readonly type: 'invoke-failed';
      readonly id: number;
      readonly errorType: string;
      readonly errorMessage: string;
    }
  | { readonly type: 'close' };
