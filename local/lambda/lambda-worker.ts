/**
 * One Lambda sandbox: a worker thread that imports one function bundle (the init phase, once) and then
 * runs one invocation at a time, keeping module scope between them like a warm Lambda. Compiled by
 * bundle.ts to plain JS, because a worker that loads TypeScript through tsx takes ~0.45 s to start
 * against ~0.07 s for plain JS (measured here).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { callHandler, type Handler, loadHandler, toPayload } from './handler-runtime.ts';
import type { InvokeMessage, SandboxInit, SandboxMessage } from './worker-protocol.ts';

const init = workerData as SandboxInit;
const port = parentPort!;
const send = (message: SandboxMessage): void => port.postMessage(message);

/** Output written since the last result or `output` message (see SandboxMessage). */
let output = '';
let outputScheduled = false;

function takeOutput(): string {
  const text = output;
  output = '';
  return text;
}

function sendOutput(): void {
  outputScheduled = false;
  if (output !== '') send({ type: 'output', text: takeOutput() });
}

type WriteCallback = (error?: Error | null) => void;

function captureWrites(stream: NodeJS.WriteStream): void {
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof chunk === 'string') {
      output +=
        typeof encoding === 'string' && encoding !== 'utf8' && encoding !== 'utf-8'
          ? Buffer.from(chunk, encoding as BufferEncoding).toString('utf8')
          : chunk;
    } else if (chunk instanceof Uint8Array) {
      output += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    }
    // An invocation's result takes what it wrote; this is for output outside one or during a long one.
    if (!outputScheduled) {
      outputScheduled = true;
      setImmediate(sendOutput);
    }
    if (typeof done === 'function') process.nextTick(done as WriteCallback);
    return true;
  };
  stream.write = write as typeof stream.write;
}

captureWrites(process.stdout);
captureWrites(process.stderr);
// A crash (an uncaught exception) ends the worker through 'exit': what it wrote last still reaches the log.
process.on('exit', sendOutput);

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  try {
    const event = JSON.parse(message.eventJson);
    const result = await callHandler(handler, event, init.context, message.awsRequestId, message.deadlineMs);
    // Lambda serializes the result; undefined becomes null.
    const resultJson = JSON.stringify(result) ?? 'null';
    send({ type: 'result', id: message.id, resultJson, output: takeOutput() });
  } catch (error) {
    send({ type: 'error', id: message.id, error: toPayload(error), output: takeOutput() });
  }
}

const loaded = await loadHandler(init);
sendOutput(); // the init phase's output, before its outcome
if (typeof loaded === 'function') {
  port.on('message', (message: InvokeMessage) => void invoke(loaded, message));
  send({ type: 'ready' });
} else {
  send({ type: 'init-failed', error: loaded });
}
