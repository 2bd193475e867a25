/** The responses the endpoint writes itself, and the headers it adds to every response. */
import type { ServingDeps } from './deps.ts';
import type { HttpRequest, HttpResponse } from './http.ts';
import type { Target } from './routing.ts';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function jsonAnswer(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/**
 * The response with the endpoint's headers. Built as a literal with fixed keys first and the protocol's
 * headers copied in: on Node 20, adding keys to an object made by spreading another costs ~6 µs.
 */
export function withHeaders(
  response: HttpResponse,
  requestId: string,
  target: Target | undefined,
): HttpResponse {
  let headers: Record<string, string>;
  if (target === undefined) headers = { 'x-request-id': requestId };
  else if (target.alias === undefined) {
    headers = {
      'x-synergy-model': target.record.modelName,
      'x-synergy-version': String(target.record.version),
      'x-request-id': requestId,
    };
  } else {
    headers = {
      'x-synergy-model': target.record.modelName,
      'x-synergy-version': String(target.record.version),
      'x-synergy-alias': target.alias,
      'x-request-id': requestId,
    };
  }
  Object.assign(headers, response.headers);
  headers['x-request-id'] = requestId;
  return { statusCode: response.statusCode, headers, body: response.body };
}

/** An unexpected failure: logged with its stack, answered without details. */
export function internalError(deps: ServingDeps, request: HttpRequest, error: unknown): HttpResponse {
  deps.log.warn('internal error', {
    requestId: request.requestId,
    routeKey: request.routeKey,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  return {
    statusCode: 500,
    headers: JSON_HEADERS,
    body: JSON.stringify({ message: 'Internal Server Error', requestId: request.requestId }),
  };
}
