/**
 * The events API Gateway sends for an HTTP API with payload format 2.0: the function's proxy event and the
 * Lambda authorizer's REQUEST event, with the same requestContext.
 */

import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { RequestView } from './request.ts';
import type { RouteMatch } from './routes.ts';

/** The API the events describe. */
export interface ApiIdentity {
  readonly apiId: string;
  readonly accountId: string;
  readonly region: string;
}

export const STAGE = '$default';

export interface RequestContext {
  readonly accountId: string;
  readonly apiId: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly http: {
    readonly method: string;
    readonly path: string;
    readonly protocol: string;
    readonly sourceIp: string;
    readonly userAgent: string;
  };
  readonly requestId: string;
  readonly routeKey: string;
  readonly stage: string;
  readonly time: string;
  readonly timeEpoch: number;
  authorizer?: { readonly lambda: unknown };
}

export function requestContext(view: RequestView, routeKey: string, api: ApiIdentity): RequestContext {
  const now = Date.now();
  const dot = view.domainName.indexOf('.');
  return {
    accountId: api.accountId,
    apiId: api.apiId,
    domainName: view.domainName,
    domainPrefix: dot < 0 ? view.domainName : view.domainName.slice(0, dot),
    http: {
      method: view.method,
      path: view.rawPath,
      protocol: view.protocol,
      sourceIp: view.sourceIp,
      userAgent: view.userAgent,
    },
    requestId: nextRequestId(),
    routeKey,
    stage: STAGE,
    time: clfTime(now),
    timeEpoch: now,
  };
}

/** What both payload 2.0 events carry about the request, added to `event` (field by field: a hot path). */
function addRequestFields(
  event: Record<string, unknown>,
  view: RequestView,
  match: RouteMatch,
  context: RequestContext,
): Record<string, unknown> {
  event.routeKey = match.route.routeKey;
  event.rawPath = view.rawPath;
  event.rawQueryString = view.rawQueryString;
  if (view.cookies) event.cookies = view.cookies;
  event.headers = view.headers;
  if (view.queryStringParameters) event.queryStringParameters = view.queryStringParameters;
  event.requestContext = context;
  if (match.pathParameters) event.pathParameters = match.pathParameters;
  return event;
}

/** The function's event; `body` undefined when the request had none. */
export function functionEvent(
  view: RequestView,
  match: RouteMatch,
  context: RequestContext,
  body: Buffer | undefined,
): Record<string, unknown> {
  const event = addRequestFields({ version: '2.0' }, view, match, context);
  if (body !== undefined && body.length > 0) {
    const text = isTextual(view.headers['content-type']) && isUtf8(body);
    event.body = text ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
}

/** The REQUEST event of a payload 2.0 Lambda authorizer. */
export function authorizerEvent(
  view: RequestView,
  match: RouteMatch,
  context: RequestContext,
  identitySource: readonly string[],
  routeArn: string,
): Record<string, unknown> {
  return addRequestFields(
    { version: '2.0', type: 'REQUEST', routeArn, identitySource },
    view,
    match,
    context,
  );
}

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD><path>`, what an IAM policy answer names. */
export function routeArn(api: ApiIdentity, method: string, rawPath: string): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${STAGE}/${method}${rawPath}`;
}

/**
 * API Gateway passes text bodies as text and base64-encodes the rest: the JSON, XML, JavaScript and text/*
 * media types are text; anything else (or no content type) is treated as binary.
 */
function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

/** API Gateway's request ids are 16 base64 characters; a random prefix and a counter keep them unique. */
const idBytes = Buffer.alloc(11);
randomBytes(6).copy(idBytes);
let idCounter = 0;

function nextRequestId(): string {
  idCounter = (idCounter + 1) % 2 ** 40;
  idBytes.writeUIntBE(idCounter, 6, 5);
  return idBytes.toString('base64');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let clfSecond = -1;
let clfText = '';

/** Common Log Format, as requestContext.time: `12/Mar/2020:19:03:58 +0000` (formatted once a second). */
function clfTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== clfSecond) {
    const date = new Date(second * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    clfText = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
    clfSecond = second;
  }
  return clfText;
}
