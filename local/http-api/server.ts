/**
 * The local HTTP API: a node:http server that does what API Gateway does for an HTTP API with Lambda
 * proxy integrations (payload 2.0) — route, authorize with the stack's Lambda authorizers, build the
 * event, invoke the function on the stack's sandboxes, map the result — so the handlers that run here
 * are exactly the code that runs behind API Gateway.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { HttpApiConfig } from '../config/http-api.ts';
import type { LambdaInvoker } from '../lambda/types.ts';
import { listenOnLoopback } from '../listen.ts';
import { Authorizers } from './authorizer.ts';
import { declaredTooLarge, readBody } from './body.ts';
import type { ApiIdentity } from './event.ts';
import { functionEvent, requestContext } from './event.ts';
import { viewOf } from './request.ts';
import type { ApiResponse, GatewayStatus } from './response.ts';
import { gatewayResponse, responseOf } from './response.ts';
import { RouteTable } from './routes.ts';

export interface HttpApiOptions {
  readonly httpApi: HttpApiConfig;
  readonly invoker: LambdaInvoker;
  readonly api: ApiIdentity;
  /** 0 or omitted: a free port. */
  readonly port?: number;
  /** Failed invocations and unreadable answers (the client only sees API Gateway's 500). */
  readonly log?: (line: string) => void;
}

export interface StartedHttpApi {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Lambda's limit on a synchronous invocation's payload, which bounds the request body. */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

/** A stable 10-character id, like API Gateway's, for a service and stage. */
export function localApiId(service: string, stage: string): string {
  const digest = createHash('sha256').update(`${service}\0${stage}`).digest();
  let id = '';
  for (let i = 0; i < 10; i++) id += '0123456789abcdefghijklmnopqrstuvwxyz'[digest[i] % 36];
  return id;
}

export async function startHttpApi(options: HttpApiOptions): Promise<StartedHttpApi> {
  const log = options.log ?? (() => {});
  const routes = new RouteTable(options.httpApi.routes);
  const invoke = (functionKey: string, event: unknown) => options.invoker.invoke(functionKey, event);
  const authorizers = new Authorizers({
    authorizers: options.httpApi.authorizers,
    invoke,
    api: options.api,
    onError: (name, problem) => log(`http: authorizer ${name} failed: ${describe(problem)}`),
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const view = viewOf(request);
    const match = routes.match(view.method, view.rawPath);
    if (!match) return send(response, gatewayResponse(404));
    if (declaredTooLarge(request, MAX_REQUEST_BODY_BYTES)) return refuseTooLarge(response);
    const context = requestContext(view, match.route.routeKey, options.api);
    const answer = (status: GatewayStatus) => send(response, gatewayResponse(status), context.requestId);
    let authorizerContext: unknown;
    if (match.route.authorizer !== undefined) {
      const decided = authorizers.authorize(match.route.authorizer, view, match, context);
      const verdict = decided instanceof Promise ? await decided : decided;
      if (!verdict.allowed) return answer(verdict.status);
      authorizerContext = verdict.context;
    }
    const body = await readBody(request, MAX_REQUEST_BODY_BYTES);
    if (body === 'too-large') return refuseTooLarge(response, context.requestId);
    const event = functionEvent(
      view,
      match,
      authorizerContext === undefined ? context : { ...context, authorizer: { lambda: authorizerContext } },
      body,
    );
    let result: unknown;
    try {
      result = await invoke(match.route.functionKey, event);
    } catch (error) {
      log(`http: ${match.route.routeKey} → ${match.route.functionKey} failed: ${describe(error)}`);
      const tooLarge = (error as { name?: unknown }).name === 'Lambda.RequestTooLargeException';
      return answer(tooLarge ? 413 : 500);
    }
    const mapped = responseOf(result);
    if (!mapped) {
      log(
        `http: ${match.route.routeKey} → ${match.route.functionKey}: unusable response ${describe(result)}`,
      );
      return answer(500);
    }
    send(response, mapped, context.requestId);
  }

  const server = createServer({ noDelay: true }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`http: ${request.method} ${request.url} failed: ${describe(error)}`);
      if (!response.headersSent) send(response, gatewayResponse(500));
      else response.destroy();
    });
  });
  const port = await listenOnLoopback(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, answer: ApiResponse, requestId?: string): void {
  const headers: OutgoingHttpHeaders = {
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
  };
  if (requestId !== undefined) headers['apigw-requestid'] = requestId;
  response.writeHead(answer.statusCode, headers);
  response.end(answer.body);
}

/** The rest of the body is not read: the connection closes once the 413 is out. */
function refuseTooLarge(response: ServerResponse, requestId?: string): void {
  const answer = gatewayResponse(413);
  send(response, { ...answer, headers: { ...answer.headers, connection: 'close' } }, requestId);
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
