/**
 * The MLflow scoring server protocol (`POST /invocations` of `mlflow models serve`), so MLflow clients
 * and tooling can call the endpoint unchanged. `application/json` bodies carry exactly one of
 * `dataframe_split` (pandas' split orient: columns, data, index), `dataframe_records` (a list of
 * records), `instances` or `inputs` (TF Serving's formats: a list of records or rows, or an object of
 * columns), optionally with `params`; `text/csv` bodies are a header row and rows. The answer is
 * `{"predictions": [label, …]}`; errors are `{"error_code": …, "message": …}` as MLflow writes them.
 */
import type { RequestErrorStatus, ServingRequestError } from '../errors.ts';
import type { HttpResponse } from '../http.ts';
import type { RawRows, Scored } from '../rows.ts';
import { CsvRow, describeValue } from '../signature-validator.ts';
import { CsvSyntaxError, parseCsvText } from './csv-text.ts';
import { rowsOfInstances } from './instances.ts';
import {
  badRequest,
  checkCharset,
  isJsonMediaType,
  isJsonObject,
  own,
  parseJsonObject,
  parseMediaType,
  refuseUnknownKeys,
  unsupportedMediaType,
} from './json-body.ts';
import { jsonResponse, type ParsedRequest, type ServingProtocol } from './protocol.ts';
import { labelsJson } from './scored-json.ts';

/** MLflow's error codes (its databricks_pb2 ErrorCode names) for each status we answer with. */
export const MLFLOW_ERROR_CODES: Readonly<Record<RequestErrorStatus, string>> = {
  400: 'BAD_REQUEST',
  404: 'RESOURCE_DOES_NOT_EXIST',
  405: 'BAD_REQUEST',
  413: 'REQUEST_LIMIT_EXCEEDED',
  415: 'BAD_REQUEST',
  422: 'INVALID_PARAMETER_VALUE',
  503: 'TEMPORARILY_UNAVAILABLE',
};

const ACCEPTED = 'application/json or text/csv';
const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const KEYS: ReadonlySet<string> = new Set([...FORMATS, 'params']);
const SPLIT_KEYS: ReadonlySet<string> = new Set(['columns', 'data', 'index']);

function parse(body: string | undefined, contentType: string | undefined): ParsedRequest {
  const media = parseMediaType(contentType);
  if (media.type === 'text/csv') {
    checkCharset(media, contentType, ACCEPTED);
    return { rows: parseCsvBody(body) };
  }
  if (!isJsonMediaType(media.type)) throw unsupportedMediaType(contentType, ACCEPTED);
  checkCharset(media, contentType, ACCEPTED);
  const json = parseJsonObject(body);
  refuseUnknownKeys(json, KEYS, '');
  const given = FORMATS.filter((key) => own(json, key) !== undefined);
  if (given.length !== 1) {
    const found = given.length === 0 ? 'none' : given.join(' and ');
    throw badRequest('body', `expected exactly one of ${FORMATS.join(', ')}; found ${found}`);
  }
  const key = given[0];
  const value = own(json, key);
  switch (key) {
    case 'dataframe_split':
      return { rows: splitRows(value) };
    case 'dataframe_records':
      if (!Array.isArray(value)) {
        throw badRequest(key, `expected a list of records, got ${describeValue(value)}`);
      }
      return { rows: { kind: 'records', records: value, field: key } };
    default:
      return { rows: rowsOfInstances(value, key) };
  }
}

function splitRows(value: unknown): RawRows {
  const field = 'dataframe_split';
  if (!isJsonObject(value)) {
    throw badRequest(field, `expected an object with "columns" and "data", got ${describeValue(value)}`);
  }
  refuseUnknownKeys(value, SPLIT_KEYS, field);
  const columns = own(value, 'columns');
  const data = own(value, 'data');
  if (!Array.isArray(columns)) {
    throw badRequest(`${field}.columns`, `expected a list of column names, got ${describeValue(columns)}`);
  }
  if (!Array.isArray(data)) {
    throw badRequest(`${field}.data`, `expected a list of rows, got ${describeValue(data)}`);
  }
  return { kind: 'table', columns, data, field };
}

function parseCsvBody(body: string | undefined): RawRows {
  if (body === undefined || body.trim() === '') throw badRequest('body', 'the request has no body');
  let records: string[][];
  try {
    records = parseCsvText(body);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw badRequest(`row ${error.row}`, error.message);
  }
  if (records.length < 2) throw badRequest('body', 'expected a header row and at least one row of values');
  const data = records.slice(1).map((cells, i) => new CsvRow(cells, i + 2));
  return { kind: 'table', columns: records[0], data, field: 'text/csv' };
}

function format(scored: Scored): HttpResponse {
  return jsonResponse(200, `{"predictions":${labelsJson(scored.labels)}}`, scored.requestId);
}

function formatError(error: ServingRequestError, requestId: string): HttpResponse {
  const body = { error_code: MLFLOW_ERROR_CODES[error.status], message: error.message };
  return jsonResponse(error.status, JSON.stringify(body), requestId);
}

export const mlflowProtocol: ServingProtocol = { name: 'mlflow', parse, format, formatError };
