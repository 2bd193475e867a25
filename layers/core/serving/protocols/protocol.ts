/**
 * What each request/response protocol of the endpoint provides: how a request body becomes rows, and
 * how a scored answer or a refusal is written back in that protocol's own shape.
 */
import type { ServingRequestError } from '../errors.ts';
import type { HttpResponse } from '../http.ts';
import type { RawRows, Scored } from '../rows.ts';

export type ProtocolName = 'native' | 'mlflow' | 'v2';

export interface ParsedRequest {
  readonly rows: RawRows;
  /** The client's own request id (V2 `id`), echoed in the response. */
  readonly id?: string;
  /** The outputs the client asked for (V2 `outputs`), already checked to be known ones. */
  readonly outputs?: readonly string[];
}

export interface ServingProtocol {
  readonly name: ProtocolName;
  /** Throws ServingRequestError (400 malformed JSON / shape, 415 content type). */
  parse(body: string | undefined, contentType: string | undefined): ParsedRequest;
  format(scored: Scored, request: ParsedRequest): HttpResponse;
  formatError(error: ServingRequestError, requestId: string): HttpResponse;
}

/** A JSON response: every protocol answers `application/json` and echoes the request id. */
export function jsonResponse(statusCode: number, body: string, requestId: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body,
  };
}
