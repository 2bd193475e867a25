/**
 * Synergy's own protocol: `{"rows":[{column: value, …}, …]}` or `{"instances":[[…], …]}` in, labels and
 * per-class probabilities out, with the model version and alias that answered.
 */
import type { RequestErrorStatus, ServingRequestError } from '../errors.ts';
import type { HttpResponse } from '../http.ts';
import type { Scored } from '../rows.ts';
import { describeValue } from '../signature-validator.ts';
import { rowsOfInstances } from './instances.ts';
import { badRequest, own, parseJsonRequest } from './json-body.ts';
import { jsonResponse, type ParsedRequest, type ServingProtocol } from './protocol.ts';
import { labelsJson, probabilityObjectsJson } from './scored-json.ts';

export const NATIVE_ERROR_CODES: Readonly<Record<RequestErrorStatus, string>> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  503: 'MODEL_UNAVAILABLE',
};

const KEYS: ReadonlySet<string> = new Set(['rows', 'instances']);

function parse(body: string | undefined, contentType: string | undefined): ParsedRequest {
  const json = parseJsonRequest(body, contentType, KEYS);
  const rows = own(json, 'rows');
  const instances = own(json, 'instances');
  if ((rows === undefined) === (instances === undefined)) {
    throw badRequest(
      'body',
      'expected exactly one of "rows" (a list of records) or "instances" (a list of rows)',
    );
  }
  if (rows !== undefined) {
    if (!Array.isArray(rows))
      throw badRequest('rows', `expected a list of records, got ${describeValue(rows)}`);
    return { rows: { kind: 'records', records: rows, field: 'rows' } };
  }
  return { rows: rowsOfInstances(instances, 'instances') };
}

function format(scored: Scored): HttpResponse {
  const alias = scored.alias === undefined ? 'null' : JSON.stringify(scored.alias);
  const body =
    `{"model":${JSON.stringify(scored.modelName)},"version":${scored.version},"alias":${alias},` +
    `"predictions":${labelsJson(scored.labels)},` +
    `"probabilities":${probabilityObjectsJson(scored.classes, scored.probabilities)}}`;
  return jsonResponse(200, body, scored.requestId);
}

function formatError(error: ServingRequestError, requestId: string): HttpResponse {
  const body = {
    error: { code: NATIVE_ERROR_CODES[error.status], message: error.message, field: error.field },
    requestId,
  };
  return jsonResponse(error.status, JSON.stringify(body), requestId);
}

export const nativeProtocol: ServingProtocol = { name: 'native', parse, format, formatError };
