/** The demo's calls to the stack's HTTP API, with the API key it created, timed. */
import { SynergyError } from '../../layers/core/errors.ts';

export interface Endpoint {
  /** The HTTP API's base URL. */
  readonly base: string;
  /** `Authorization: Bearer <key>`. */
  readonly key: string;
}

export interface EndpointAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON. */
  readonly body: unknown;
  /** The body as sent. */
  readonly text: string;
  readonly ms: number;
}

/** The endpoint answered with an error status where the story needs an answer. */
export class EndpointCallError extends SynergyError {
  constructor(message: string, context: Record<string, unknown>) {
    super(message, context);
    this.name = 'EndpointCallError';
  }
}

export async function callEndpoint(
  endpoint: Endpoint,
  path: string,
  request: { readonly method?: 'GET' | 'POST'; readonly contentType?: string; readonly body?: string } = {},
): Promise<EndpointAnswer> {
  const started = performance.now();
  const response = await fetch(`${endpoint.base}${path}`, {
    method: request.method ?? 'GET',
    headers: {
      authorization: `Bearer ${endpoint.key}`,
      ...(request.contentType === undefined ? {} : { 'content-type': request.contentType }),
    },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text is the message
  }
  if (!response.ok) {
    throw new EndpointCallError(
      `${request.method ?? 'GET'} ${path} answered ${response.status}: ${text.slice(0, 300)}`,
      {
        path,
        status: response.status,
      },
    );
  }
  return { status: response.status, headers: response.headers, body, text, ms };
}

/** The version that answered, from the response's x-synergy-version header. */
export function servedVersion(answer: EndpointAnswer): number | undefined {
  const header = answer.headers.get('x-synergy-version');
  const version = header === null ? Number.NaN : Number(header);
  return Number.isInteger(version) ? version : undefined;
}

/** A top-level field of a JSON body; undefined when the body is not a JSON object. */
export function bodyField(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
}
