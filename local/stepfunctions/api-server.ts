/**
 * The Step Functions API stand-in: node:http speaking AWS JSON 1.0 (`X-Amz-Target:
 * AWSStepFunctions.<Operation>`, application/x-amz-json-1.0), so the unmodified @aws-sdk/client-sfn
 * works against the local engine. Errors are AWS's shape (`{"__type", "message"}`, status 400);
 * timestamps are epoch seconds as AWS sends them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../listen.ts';
import { isOperationName, runOperation } from './api-operations.ts';
import type { ExecutionEngine } from './engine.ts';
import { StepFunctionsApiError } from './errors.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';

export interface StartedStepFunctionsApi {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startStepFunctionsApi(
  engine: ExecutionEngine,
  options: { port?: number },
): Promise<StartedStepFunctionsApi> {
  const server = createServer((request, response) => {
    handle(engine, request, response).catch((error: unknown) => respondError(response, error));
  });
  const port = await listenOnLoopback(server, options.port);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

async function handle(
  engine: ExecutionEngine,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const text = await readBody(request);
  if (request.method !== 'POST' || !isOperationName(operation)) {
    throw new StepFunctionsApiError(
      'UnknownOperationException',
      `Unknown operation ${target || '(no X-Amz-Target)'}`,
    );
  }
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new StepFunctionsApiError(
      'ValidationException',
      'The request body is not valid JSON',
      {},
      { cause: error },
    );
  }
  respond(response, 200, toWire(await runOperation(engine, operation, body)));
}

function respondError(response: ServerResponse, error: unknown): void {
  if (error instanceof StepFunctionsApiError) {
    respond(response, 400, { __type: error.type, message: error.message });
    return;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  respond(response, 500, { __type: 'InternalFailure', message });
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** AWS JSON 1.0 sends timestamps as epoch seconds (with fractional milliseconds). */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, toWire(child)]));
  }
  return value;
}
