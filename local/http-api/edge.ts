/**
 * Starts the HTTP API on its edge thread (edge-worker.ts) with the environment of the function behind
 * its routes, and answers the thread's requests to invoke other functions on the stack's sandboxes.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { HttpApiConfig } from '../config/http-api.ts';
import type { FunctionConfig } from '../config/stack-config.ts';
import type { LambdaInvoker } from '../lambda/types.ts';
import { logStreamName, sandboxContext } from '../lambda/worker-pool.ts';
import type { EdgeMessage, StackMessage } from './edge-protocol.ts';
import type { ApiIdentity } from './event.ts';
import type { StartedHttpApi } from './server.ts';

export interface HttpEdgeOptions {
  readonly httpApi: HttpApiConfig;
  readonly api: ApiIdentity;
  readonly port?: number;
  /** The compiled edge-worker.ts. */
  readonly edgeRuntimePath: string;
  /** The function that runs on the edge thread, its bundle and its sandbox environment. */
  readonly inline: {
    readonly fn: FunctionConfig;
    readonly bundlePath: string;
    readonly env: Record<string, string>;
  };
  /** The stack's sandboxes, for every other function. */
  readonly invoker: LambdaInvoker;
  /** The inline function's output lines (its log file). */
  readonly onFunctionLog: (line: string) => void;
  /** The HTTP API's own lines (failed invocations). */
  readonly log: (line: string) => void;
}

/** The function behind the most routes runs on the edge thread. */
export function edgeFunctionKey(httpApi: HttpApiConfig): string | undefined {
  const counts = new Map<string, number>();
  for (const route of httpApi.routes) counts.set(route.functionKey, (counts.get(route.functionKey) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLine);
}

export async function startHttpEdge(options: HttpEdgeOptions): Promise<StartedHttpApi> {
  const { fn, bundlePath, env } = options.inline;
  const stream = logStreamName();
  const worker = new Worker(options.edgeRuntimePath, {
    workerData: {
      httpApi: options.httpApi,
      api: options.api,
      port: options.port ?? 0,
      inline: {
        functionKey: fn.key,
        bundlePath,
        exportName: fn.handler.exportName,
        handlerName: `${fn.handler.module}.${fn.handler.exportName}`,
        enableSourceMaps: /--enable-source-maps\b/.test(env.NODE_OPTIONS ?? ''),
        timeoutSeconds: fn.timeoutSeconds,
        context: sandboxContext(fn, stream),
      },
    },
    env: { ...env, AWS_LAMBDA_LOG_STREAM_NAME: stream },
    execArgv: [],
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: fn.memorySizeMb },
  });
  forwardLines(worker.stdout, options.onFunctionLog);
  forwardLines(worker.stderr, options.onFunctionLog);
  const reply = (message: StackMessage) => worker.postMessage(message);
  let closed: (() => void) | undefined;
  const listening = new Promise<number>((resolve, reject) => {
    worker.on('message', (message: EdgeMessage) => {
      switch (message.type) {
        case 'listening':
          resolve(message.port);
          return;
        case 'start-failed':
          reject(
            new Error(
              `http: ${fn.key} failed to load: ${message.error.errorType}: ${message.error.errorMessage}`,
            ),
          );
          return;
        case 'log':
          options.log(message.line);
          return;
        case 'closed':
          closed?.();
          return;
        case 'invoke':
          options.invoker.invoke(message.functionKey, JSON.parse(message.eventJson)).then(
            (result) =>
              reply({ type: 'invoked', id: message.id, resultJson: JSON.stringify(result) ?? 'null' }),
            (error: unknown) =>
              reply({
                type: 'invoke-failed',
                id: message.id,
                errorType: error instanceof Error ? error.name : typeof error,
                errorMessage: error instanceof Error ? error.message : String(error),
              }),
          );
          return;
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`http: the edge thread exited with code ${code}`)));
  });
  let port: number;
  try {
    port = await listening;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      const done = new Promise<void>((resolve) => {
        closed = resolve;
        worker.once('exit', () => resolve());
      });
      reply({ type: 'close' });
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await worker.terminate();
    },
  };
}
