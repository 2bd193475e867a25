/**
 * The EventBridge API stand-in: node:http speaking AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Operation>`,
 * application/x-amz-json-1.1), so the unmodified @aws-sdk/client-eventbridge works against the local
 * bus. Errors are AWS's shape (`{"__type", "message"}`, status 400).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../listen.ts';
import { isOperationName, runOperation } from './api-operations.ts';
import { EventBridgeApiError } from './errors.ts';
import type { EventBridgeStandIn } from './event-bridge.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSEvents.';

export interface StartedEventBridgeApi {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startEventBridgeApi(
  standIn: EventBridgeStandIn,
  options: { port?: number } = {},
): Promise<StartedEventBridgeApi> {
  const server = createServer((request, response) => {
    handle(standIn, request, response).catch((error: unknown) => respondError(response, error));
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
  standIn: EventBridgeStandIn,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const text = await readBody(request);
  if (request.method !== 'POST' || !isOperationName(operation)) {
    throw new EventBridgeApiError(
      'UnknownOperationException',
      `Unknown operation ${target || '(no X-Amz-Target)'}`,
    );
  }
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new EventBridgeApiError(
      'ValidationException',
      'The request body is not valid JSON',
      {},
      { cause: error },
    );
  }
  respond(response, 200, runOperation(standIn, operation, body));
}

function respondError(response: ServerResponse, error: unknown): void {
  if (error instanceof EventBridgeApiError) {
    respond(response, 400, { __type: error.type, message: error.message });
    return;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  respond(response, 500, { __type: 'InternalException', message });
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
