/**
 * The CloudWatch API stand-in: node:http speaking AWS JSON 1.0 as @aws-sdk/client-cloudwatch does
 * (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, application/x-amz-json-1.0, PutMetricData
 * bodies gzip-compressed above 10 KB), so the unmodified SDK works against the local CloudWatch. Errors
 * are CloudWatch's awsQuery-compatible shape: `{"__type": "com.amazonaws.cloudwatch#<Shape>", "message"}`
 * and `x-amzn-query-error: <Code>;Sender`. Timestamps are epoch seconds both ways.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { listenOnLoopback } from '../listen.ts';
import { CloudWatchApiError, UnknownOperationError } from './errors.ts';
import type { CloudWatchStandIn } from './stand-in.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const SHAPE_NAMESPACE = 'com.amazonaws.cloudwatch#';
const gunzipAsync = promisify(gunzip);

export interface StartedCloudWatchApi {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startCloudWatchApi(
  standIn: CloudWatchStandIn,
  options: { port?: number },
): Promise<StartedCloudWatchApi> {
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
  standIn: CloudWatchStandIn,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const text = await readBody(request);
  if (request.method !== 'POST' || operation === '') throw new UnknownOperationError(target);
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new CloudWatchApiError(
      'InvalidParameterValue',
      'The request body is not valid JSON.',
      {},
      { cause: error },
    );
  }
  respond(response, 200, toWire(standIn.handle(operation, body)));
}

function respondError(response: ServerResponse, error: unknown): void {
  if (error instanceof CloudWatchApiError) {
    const fault = error.status >= 500 ? 'Receiver' : 'Sender';
    respond(
      response,
      error.status,
      { __type: `${SHAPE_NAMESPACE}${error.shape}`, message: error.message },
      { 'x-amzn-query-error': `${error.code};${fault}` },
    );
    return;
  }
  if (error instanceof UnknownOperationError) {
    respond(response, 400, {
      __type: 'com.amazon.coral.service#UnknownOperationException',
      message: error.message,
    });
    return;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  respond(
    response,
    500,
    { __type: `${SHAPE_NAMESPACE}InternalServiceFault`, message },
    { 'x-amzn-query-error': 'InternalServiceError;Receiver' },
  );
}

function respond(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'gzip') return raw.toString('utf8');
  try {
    return (await gunzipAsync(raw)).toString('utf8');
  } catch (error) {
    throw new CloudWatchApiError(
      'InvalidParameterValue',
      'The gzip request body does not decompress.',
      {},
      { cause: error },
    );
  }
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
