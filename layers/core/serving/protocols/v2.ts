/**
 * The Open Inference Protocol (KServe V2) over REST: tensors in, tensors out.
 *
 * A request carries either one tensor of shape [N, F] — F values per row in the signature's column
 * order, `data` flat row-major or nested — or one tensor per column, named as the column, of shape [N]
 * or [N, 1] (the KServe pandas codec's layout). Number columns take FP*, INT* or UINT* tensors, text
 * columns BYTES tensors (as JSON strings); null stands for a missing value. A one-input model is sent as
 * a column tensor, since [N, 1] is read as a column. The answer has two outputs: `predict` (labels) and
 * `predict_proba` ([N, C] FP64, row-major, classes in the model's order), or those the request names.
 */
import type { ClassLabel } from '../../../ml/data/labels.ts';
import type { ModelVersionRecord } from '../../pipeline/records.ts';
import type { ServingRequestError } from '../errors.ts';
import type { HttpResponse } from '../http.ts';
import type { RawRows, Scored } from '../rows.ts';
import { describeValue } from '../signature-validator.ts';
import { badRequest, isJsonObject, own, parseJsonRequest, refuseUnknownKeys } from './json-body.ts';
import { jsonResponse, type ParsedRequest, type ServingProtocol } from './protocol.ts';
import { labelJson, numbersJson } from './scored-json.ts';

export const V2_OUTPUTS = ['predict', 'predict_proba'] as const;
export type V2OutputName = (typeof V2_OUTPUTS)[number];

type NumericKind = 'float' | 'int' | 'uint';
const NUMERIC_DATATYPES: ReadonlyMap<string, NumericKind> = new Map([
  ['FP16', 'float'],
  ['FP32', 'float'],
  ['FP64', 'float'],
  ['INT8', 'int'],
  ['INT16', 'int'],
  ['INT32', 'int'],
  ['INT64', 'int'],
  ['UINT8', 'uint'],
  ['UINT16', 'uint'],
  ['UINT32', 'uint'],
  ['UINT64', 'uint'],
]);

const REQUEST_KEYS: ReadonlySet<string> = new Set(['id', 'parameters', 'inputs', 'outputs']);
const TENSOR_KEYS: ReadonlySet<string> = new Set(['name', 'shape', 'datatype', 'data', 'parameters']);
const OUTPUT_KEYS: ReadonlySet<string> = new Set(['name', 'parameters']);
const KNOWN_OUTPUTS: ReadonlySet<string> = new Set(V2_OUTPUTS);

interface Tensor {
  readonly name: string;
  readonly rows: number;
  /** Values per row: 1 for a column tensor. */
  readonly width: number;
  /** rows × width values, row-major. */
  readonly values: readonly unknown[];
  readonly where: string;
}

function parse(body: string | undefined, contentType: string | undefined): ParsedRequest {
  const json = parseJsonRequest(body, contentType, REQUEST_KEYS);
  const id = own(json, 'id');
  if (id !== undefined && typeof id !== 'string')
    throw badRequest('id', `expected text, got ${describeValue(id)}`);
  const parameters = own(json, 'parameters');
  if (parameters !== undefined && !isJsonObject(parameters)) {
    throw badRequest('parameters', `expected an object, got ${describeValue(parameters)}`);
  }
  const inputs = own(json, 'inputs');
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw badRequest('inputs', `expected a non-empty list of input tensors, got ${describeValue(inputs)}`);
  }
  const tensors = inputs.map((input, k) => readTensor(input, `inputs[${k}]`));
  const outputs = requestedOutputs(own(json, 'outputs'));
  const rows = rowsOf(tensors);
  return { rows, ...(id === undefined ? {} : { id }), ...(outputs === undefined ? {} : { outputs }) };
}

function readTensor(input: unknown, where: string): Tensor {
  if (!isJsonObject(input)) throw badRequest(where, `expected a tensor object, got ${describeValue(input)}`);
  refuseUnknownKeys(input, TENSOR_KEYS, where);
  const name = own(input, 'name');
  if (typeof name !== 'string' || name === '') {
    throw badRequest(`${where}.name`, `expected a non-empty name, got ${describeValue(name)}`);
  }
  const shape = readShape(own(input, 'shape'), `${where}.shape`);
  const datatype = own(input, 'datatype');
  const kind = datatypeKind(datatype, `${where}.datatype`);
  const data = own(input, 'data');
  if (!Array.isArray(data))
    throw badRequest(`${where}.data`, `expected a list of values, got ${describeValue(data)}`);
  const values = flatten(data, shape, `${where}.data`);
  checkValues(values, kind, String(datatype), `${where}.data`);
  return { name, rows: shape[0], width: shape.length === 2 ? shape[1] : 1, values, where };
}

function readShape(shape: unknown, where: string): readonly number[] {
  const valid =
    Array.isArray(shape) &&
    (shape.length === 1 || shape.length === 2) &&
    shape.every((d, k) => typeof d === 'number' && Number.isSafeInteger(d) && d >= (k === 0 ? 0 : 1));
  if (!valid) {
    const got = Array.isArray(shape)
      ? `${shape.length} dimensions or a dimension that is not a count`
      : describeValue(shape);
    throw badRequest(where, `expected [N] or [N, F] (N ≥ 0 rows, F ≥ 1 values per row), got ${got}`);
  }
  return shape as number[];
}

function datatypeKind(datatype: unknown, where: string): NumericKind | 'bytes' {
  if (datatype === 'BYTES') return 'bytes';
  const kind = typeof datatype === 'string' ? NUMERIC_DATATYPES.get(datatype) : undefined;
  if (kind !== undefined) return kind;
  throw badRequest(
    where,
    `expected FP16/32/64, INT8/16/32/64, UINT8/16/32/64 (number columns) or BYTES (text columns), got ${describeValue(datatype)}`,
  );
}

/** The values row-major, from flat data or data nested as the shape says. */
function flatten(data: readonly unknown[], shape: readonly number[], where: string): readonly unknown[] {
  const [n, width] = shape;
  const nested = shape.length === 2 && data.length === n && n > 0 && Array.isArray(data[0]);
  if (!nested) {
    const total = shape.length === 2 ? n * width : n;
    if (data.length !== total) {
      throw badRequest(where, `has ${data.length} values, the shape [${shape.join(', ')}] needs ${total}`);
    }
    return data;
  }
  const values: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const row = data[i];
    if (!Array.isArray(row) || row.length !== width) {
      const got = Array.isArray(row) ? `${row.length} values` : describeValue(row);
      throw badRequest(`${where}[${i}]`, `expected ${width} values (shape [${n}, ${width}]), got ${got}`);
    }
    for (let j = 0; j < width; j++) values.push(row[j]);
  }
  return values;
}

function checkValues(
  values: readonly unknown[],
  kind: NumericKind | 'bytes',
  datatype: string,
  where: string,
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    const ok =
      kind === 'bytes'
        ? typeof v === 'string'
        : typeof v === 'number' &&
          Number.isFinite(v) &&
          (kind === 'float' || (Number.isInteger(v) && (kind === 'int' || v >= 0)));
    if (!ok) {
      const expected =
        kind === 'bytes'
          ? 'text'
          : kind === 'float'
            ? 'a finite number'
            : kind === 'int'
              ? 'an integer'
              : 'a non-negative integer';
      throw badRequest(`${where}[${i}]`, `${datatype} expects ${expected}, got ${describeValue(v)}`);
    }
  }
}

function rowsOf(tensors: readonly Tensor[]): RawRows {
  const wide = tensors.findIndex((tensor) => tensor.width > 1);
  if (wide >= 0) {
    const tensor = tensors[wide];
    if (tensors.length > 1) {
      throw badRequest(
        `${tensor.where}.shape`,
        'an [N, F] tensor must be the only input; otherwise send one [N] tensor per column',
      );
    }
    const data: unknown[][] = [];
    for (let i = 0; i < tensor.rows; i++)
      data.push(tensor.values.slice(i * tensor.width, (i + 1) * tensor.width));
    return { kind: 'positional', data, field: `${tensor.where}.data` };
  }
  const columns: Record<string, unknown> = Object.create(null);
  const first = tensors[0];
  const seen = new Map<string, string>();
  for (const tensor of tensors) {
    const earlier = seen.get(tensor.name);
    if (earlier !== undefined) throw badRequest(`${tensor.where}.name`, `repeats the name of ${earlier}`);
    seen.set(tensor.name, tensor.where);
    if (tensor.rows !== first.rows) {
      throw badRequest(`${tensor.where}.shape`, `has ${tensor.rows} rows, ${first.where} has ${first.rows}`);
    }
    columns[tensor.name] = tensor.values;
  }
  return { kind: 'columns', columns, field: 'inputs' };
}

function requestedOutputs(outputs: unknown): readonly V2OutputName[] | undefined {
  if (outputs === undefined) return undefined;
  if (!Array.isArray(outputs))
    throw badRequest('outputs', `expected a list of outputs, got ${describeValue(outputs)}`);
  if (outputs.length === 0) return undefined;
  const names = new Set<V2OutputName>();
  outputs.forEach((output, k) => {
    const where = `outputs[${k}]`;
    if (!isJsonObject(output))
      throw badRequest(where, `expected an object with a name, got ${describeValue(output)}`);
    refuseUnknownKeys(output, OUTPUT_KEYS, where);
    const name = own(output, 'name');
    if (typeof name !== 'string' || !KNOWN_OUTPUTS.has(name)) {
      throw badRequest(`${where}.name`, `expected "predict" or "predict_proba", got ${describeValue(name)}`);
    }
    names.add(name as V2OutputName);
  });
  return [...names];
}

/** How labels travel in a tensor: integers as INT64, other numbers as FP64, text as BYTES. */
export function labelDatatype(classes: readonly ClassLabel[]): 'INT64' | 'FP64' | 'BYTES' {
  if (!classes.every((label) => typeof label === 'number')) return 'BYTES';
  return classes.every((label) => Number.isInteger(label)) ? 'INT64' : 'FP64';
}

function predictTensor(scored: Scored): string {
  const datatype = labelDatatype(scored.classes);
  const { labels } = scored;
  let data = '[';
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    data += (i === 0 ? '' : ',') + (datatype === 'BYTES' ? JSON.stringify(String(label)) : labelJson(label));
  }
  return `{"name":"predict","shape":[${labels.length}],"datatype":"${datatype}","data":${data}]}`;
}

function probabilityTensor(scored: Scored): string {
  const c = scored.classes.length;
  const n = scored.labels.length;
  return `{"name":"predict_proba","shape":[${n},${c}],"datatype":"FP64","data":${numbersJson(scored.probabilities)}}`;
}

function format(scored: Scored, request: ParsedRequest): HttpResponse {
  const outputs = (request.outputs ?? V2_OUTPUTS).map((name) =>
    name === 'predict' ? predictTensor(scored) : probabilityTensor(scored),
  );
  const body =
    `{"model_name":${JSON.stringify(scored.modelName)},"model_version":"${scored.version}",` +
    `"id":${JSON.stringify(request.id ?? scored.requestId)},"outputs":[${outputs.join(',')}]}`;
  return jsonResponse(200, body, scored.requestId);
}

function formatError(error: ServingRequestError, requestId: string): HttpResponse {
  return jsonResponse(error.status, JSON.stringify({ error: error.message }), requestId);
}

export const v2Protocol: ServingProtocol = { name: 'v2', parse, format, formatError };

/** `GET /v2/models/{name}[/versions/{v}]`: the model's tensors as the V2 metadata API describes them. */
export function v2ModelMetadata(record: ModelVersionRecord, versions: readonly number[]): unknown {
  const { signature } = record;
  return {
    name: record.modelName,
    versions: versions.map(String),
    platform: `synergy-${record.algorithm}`,
    inputs: signature.inputs.map((column) => ({
      name: column.name,
      datatype: column.type === 'number' ? 'FP64' : 'BYTES',
      shape: [-1],
    })),
    outputs: [
      { name: 'predict', datatype: labelDatatype(signature.classes), shape: [-1] },
      { name: 'predict_proba', datatype: 'FP64', shape: [-1, signature.classes.length] },
    ],
  };
}

/** `GET /v2/health/live`. */
export function v2LiveBody(): { readonly live: true } {
  return { live: true };
}

/** `GET /v2/health/ready`. */
export function v2ReadyBody(ready: boolean): { readonly ready: boolean } {
  return { ready };
}

/** `GET /v2/models/{name}[/versions/{v}]/ready`. */
export function v2ModelReadyBody(
  name: string,
  ready: boolean,
): { readonly name: string; readonly ready: boolean } {
  return { name, ready };
}
