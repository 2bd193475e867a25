/**
 * What API Gateway reads from an HTTP request before routing, shared by the authorizer's event and the
 * function's event: lower-case headers with repeated ones joined by commas, the cookies apart, the query
 * string as sent and parsed (repeated keys joined by commas).
 */
import type { IncomingMessage } from 'node:http';

export interface RequestView {
  readonly method: string;
  readonly rawPath: string;
  /** Without the `?`; empty when there is none. */
  readonly rawQueryString: string;
  readonly headers: Record<string, string>;
  readonly cookies: string[] | undefined;
  readonly queryStringParameters: Record<string, string> | undefined;
  readonly sourceIp: string;
  readonly protocol: string;
  readonly userAgent: string;
  /** The Host header, as API Gateway's domainName (locally, where the client reached the adapter). */
  readonly domainName: string;
}

export function viewOf(request: IncomingMessage): RequestView {
  const url = request.url ?? '/';
  const question = url.indexOf('?');
  const rawPath = question < 0 ? url : url.slice(0, question);
  const rawQueryString = question < 0 ? '' : url.slice(question + 1);
  const headers = dictionary();
  let cookies: string[] | undefined;
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (name === 'cookie') {
      cookies ??= [];
      for (const cookie of value.split(';')) {
        const trimmed = cookie.trim();
        if (trimmed !== '') cookies.push(trimmed);
      }
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  const address = request.socket.remoteAddress ?? '';
  return {
    method: request.method ?? 'GET',
    rawPath,
    rawQueryString,
    headers,
    cookies,
    queryStringParameters: rawQueryString === '' ? undefined : parseQuery(rawQueryString),
    sourceIp: address.startsWith('::ffff:') ? address.slice(7) : address,
    protocol: `HTTP/${request.httpVersion}`,
    userAgent: headers['user-agent'] ?? '',
    domainName: headers.host ?? '',
  };
}

function parseQuery(query: string): Record<string, string> | undefined {
  let parameters: Record<string, string> | undefined;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    parameters ??= dictionary();
    const previous = parameters[name];
    parameters[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return parameters;
}

/** No prototype: a name like `__proto__` or `constructor` sent by a client is plain data. */
function dictionary(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

function decode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
