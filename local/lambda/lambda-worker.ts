/**
 * One Lambda sandbox: a worker thread that imports one function bundle (the init phase, once) and then
 * runs one invocation at a time, keeping module scope between them like a warm Lambda. Compiled by
 * bundle.ts to plain JS, because a worker that loads TypeScript through tsx takes ~0.45 s to start
 * against ~0.07 s for plain JS (measured here).
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { LambdaErrorPayload } from './types.ts';
import type { ContextFields, InvokeMessage, SandboxInit, SandboxMessage } from './worker-protocol.ts';
import { FLUSH_MARKER } from './worker-protocol.ts';

type Callback = (error?: unknown, result?: unknown) => void;
type Handler = (event: unknown, context: LambdaContext, callback: Callback) => unknown;

interface LambdaContext extends Omit<ContextFields, 'deadlineMs'> {
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error: unknown): void;
}

const init = workerData as SandboxInit;
const port = parentPort!;
const send = (message: SandboxMessage): void => port.postMessage(message);

/** The error payload Lambda's Node.js runtime reports (errorType is the error's name). */
function toPayload(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function loadHandler(): Promise<Handler | LambdaErrorPayload> {
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

function contextFor(fields: ContextFields, callback: Callback): LambdaContext {
  const { deadlineMs, ...data } = fields;
  return {
    ...data,
    // Kept for handlers that set it; a worker cannot wait for "an empty event loop" of its own.
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: callback,
    succeed: (result) => callback(undefined, result),
    fail: (error) => callback(error),
  };
}

/** Async handlers resolve; callback-style ones (three parameters, no promise) call back. */
function callHandler(handler: Handler, event: unknown, fields: ContextFields): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback: Callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, contextFor(fields, callback), callback);
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

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  let reply: SandboxMessage;
  try {
    const result = await callHandler(handler, JSON.parse(message.eventJson), message.context);
    // Lambda serializes the result; undefined becomes null.
    reply = { type: 'result', id: message.id, resultJson: JSON.stringify(result) ?? 'null' };
  } catch (error) {
    reply = { type: 'error', id: message.id, error: toPayload(error) };
  }
  await Promise.all([flush(process.stdout, message.id), flush(process.stderr, message.id)]);
  send(reply);
}

function flush(stream: NodeJS.WritableStream, id: number): Promise<void> {
  return new Promise((resolve) => stream.write(`${FLUSH_MARKER}${id}\n`, () => resolve()));
}

const loaded = await loadHandler();
if (typeof loaded === 'function') {
  port.on('message', (message: InvokeMessage) => void invoke(loaded, message));
  send({ type: 'ready' });
} else {
  send({ type: 'init-failed', error: loaded });
}
