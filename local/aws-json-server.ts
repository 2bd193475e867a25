/**
 * The AWS JSON protocol (1.0 and 1.1) over node:http, shared by the API stand-ins: a POST whose
 * `X-Amz-Target: <prefix><Operation>` names the operation and whose body is its JSON input; the answer is
 * JSON with the service's content type and an `x-amzn-requestid`. What differs between services (target
 * prefix, content type, body encoding, error shapes) is the service's to say.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen.ts';

/** What goes on the wire: status, JSON body and any headers beyond the protocol's own. */
export interface AwsJsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AwsJsonService<Operation extends string> {
  /** `application/x-amz-json-1.0` or `-1.1`. */
  readonly contentType: string;
  /** What precedes the operation name in X-Amz-Target (`AWSEvents.`). */
  readonly targetPrefix: string;
  isOperation(name: string): name is Operation;
  /** The operation's output (or a promise of it), the body of a 200. */
  run(operation: Operation, input: unknown): unknown;
  /** The error a request naming no operation of this service raises (`target` is X-Amz-Target as sent). */
  unknownOperation(target: string): Error;
  /** The error a body that is not JSON raises. */
  invalidJson(cause: unknown): Error;
  /** The request body as text; UTF-8 unless the service decodes it (CloudWatch's gzip bodies). */
  decodeBody?(raw: Buffer, request: IncomingMessage): Promise<string>;
  /** The wire form of an error the service raised on purpose; undefined for any other error. */
  apiError(error: unknown): AwsJsonResponse | undefined;
  /** Any other error is a 500 with this `__type` (and these headers); its message names the error. */
  readonly internalError: { readonly type: string; readonly headers?: Readonly<Record<string, string>> };
}

export interface StartedAwsJsonServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Serves `service` on 127.0.0.1 (port 0 or absent: any free port). */
export async function startAwsJsonServer<Operation extends string>(
  service: AwsJsonService<Operation>,
  port?: number,
): Promise<StartedAwsJsonServer> {
  const server = createServer((request, response) => {
    handle(service, request, response).catch((error: unknown) =>
      respond(response, service.contentType, errorResponse(service, error)),
    );
  });
  const boundPort = await listenOnLoopback(server, port);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${boundPort}`,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** AWS JSON sends timestamps as epoch seconds (with fractional milliseconds): Dates anywhere in `value` become them. */
export function withEpochSeconds(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(withEpochSeconds);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, withEpochSeconds(child)]));
  }
  return value;
}

async function handle<Operation extends string>(
  service: AwsJsonService<Operation>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(service.targetPrefix) ? target.slice(service.targetPrefix.length) : '';
  const raw = await readRaw(request);
  const text = service.decodeBody ? await service.decodeBody(raw, request) : raw.toString('utf8');
  if (request.method !== 'POST' || !service.isOperation(operation)) throw service.unknownOperation(target);
  let input: unknown;
  try {
    input = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw service.invalidJson(error);
  }
  respond(response, service.contentType, { status: 200, body: await service.run(operation, input) });
}

function errorResponse<Operation extends string>(
  service: AwsJsonService<Operation>,
  error: unknown,
): AwsJsonResponse {
  const known = service.apiError(error);
  if (known) return known;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const { type, headers } = service.internalError;
  return { status: 500, body: { __type: type, message }, headers };
}

function respond(response: ServerResponse, contentType: string, answer: AwsJsonResponse): void {
  if (response.headersSent) return;
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

async function readRaw(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
