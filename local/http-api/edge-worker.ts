/**
 * The HTTP API's edge thread: serves the stack's HTTP API (server.ts: routing, authorizers and their cache,
 * the payload 2.0 event, the response mapping) and runs the handler of the function behind its routes in
 * this same thread, because a request costs tens of microseconds and a hop to a sandbox thread and back
 * costs more than that (thread switches). Its process.env is that function's sandbox environment. Other
 * functions (the authorizer on a cache miss) are invoked on the stack's sandboxes through the parent.
 * Compiled by local/lambda/bundle.ts to plain JS, like the sandbox runtime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadHandler } from '../lambda/handler-runtime.ts';
import { LambdaFunctionError, type LambdaInvoker } from '../lambda/types.ts';
import type { EdgeInit, EdgeMessage, StackMessage } from './edge-protocol.ts';
import { InlineFunction } from './inline-function.ts';
import { startHttpApi } from './server.ts';

const init = workerData as EdgeInit;
const port = parentPort!;
const send = (message: EdgeMessage): void => port.postMessage(message);

const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
let nextId = 1;

/** Any other function: invoked by the stack on its sandboxes. */
function invokeRemote(functionKey: string, event: unknown): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    send({ type: 'invoke', id, functionKey, eventJson: JSON.stringify(event) });
  });
}

const loaded = await loadHandler(init.inline);
if (typeof loaded !== 'function') {
  send({ type: 'start-failed', error: loaded });
} else {
  const inline = new InlineFunction(loaded, init.inline);
  const invoker: LambdaInvoker = {
    invoke: (functionKey, event) =>
      functionKey === init.inline.functionKey ? inline.invoke(event) : invokeRemote(functionKey, event),
  };
  const server = await startHttpApi({
    httpApi: init.httpApi,
    invoker,
    api: init.api,
    port: init.port,
    log: (line) => send({ type: 'log', line }),
  });
  port.on('message', (message: StackMessage) => {
    if (message.type === 'close') {
      void server.close().then(() => {
        send({ type: 'closed' });
        port.close();
      });
      return;
    }
    const waiting = pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id);
    if (message.type === 'invoked') waiting.resolve(JSON.parse(message.resultJson));
    else {
      waiting.reject(
        LambdaFunctionError.fromPayload(init.inline.functionKey, {
          errorType: message.errorType,
          errorMessage: message.errorMessage,
        }),
      );
    }
  });
  send({ type: 'listening', port: server.port });
}
