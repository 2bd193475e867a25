import { describe, expect, it } from 'vitest';
import type { InputSignature, ModelVersionRecord } from '../../../../layers/core/pipeline/records.ts';
import { ServingRequestError } from '../../../../layers/core/serving/errors.ts';
import {
  labelDatatype,
  v2LiveBody,
  v2ModelMetadata,
  v2ModelReadyBody,
  v2Protocol,
  v2ReadyBody,
} from '../../../../layers/core/serving/protocols/v2.ts';
import { compileSignature } from '../../../../layers/core/serving/signature-validator.ts';
import { scoredOf } from '../../../fixtures/serving/scored.ts';
import { NUMERIC_SIGNATURE, SIGNATURE } from '../../../fixtures/serving/signature.ts';
import { refusal, requestFixture } from './requests.ts';

const JSON_TYPE = 'application/json';
const readWith = (signature: InputSignature, body: string) =>
  compileSignature(signature)(v2Protocol.parse(body, JSON_TYPE).rows).map((record) => ({ ...record }));

describe('Open Inference Protocol V2: requests', () => {
  // KServe's scikit-learn V2 example request ("Deploy Scikit-learn model with the Open Inference
  // Protocol", kserve.github.io): one FP32 tensor of shape [2, 4], data nested by row.
  it('reads the KServe scikit-learn example: one [N, F] tensor, nested or flat', () => {
    const iris: InputSignature = {
      inputs: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].map((name) => ({
        name,
        type: 'number' as const,
        optional: true,
      })),
      target: 'species',
      classes: [0, 1, 2],
    };
    const nested =
      '{"inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "FP32", "data": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}';
    const flat =
      '{"inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "FP32", "data": [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]}]}';
    const expected = [
      { sepal_length: 6.8, sepal_width: 2.8, petal_length: 4.8, petal_width: 1.4 },
      { sepal_length: 6.0, sepal_width: 3.4, petal_length: 4.5, petal_width: 1.6 },
    ];
    expect(readWith(iris, nested)).toEqual(expected);
    expect(readWith(iris, flat)).toEqual(expected);
  });

  // The inference request example of the protocol specification (kserve.github.io, "Open Inference
  // Protocol (V2 Inference Protocol)", Inference Request Examples): its BOOL tensor is refused by name.
  it('refuses the specification example’s BOOL tensor, naming it', () => {
    const body = `{
      "id" : "42",
      "inputs" : [
        { "name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "data" : [ 1, 2, 3, 4 ] },
        { "name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "data" : [ true ] }
      ],
      "outputs" : [ { "name" : "output0" } ]
    }`;
    const error = refusal(() => v2Protocol.parse(body, JSON_TYPE));
    expect([error.status, error.field]).toEqual([400, 'inputs[1].datatype']);
  });

  it('reads one tensor per column ([N] or [N, 1]), the request id and the requested outputs', () => {
    const parsed = v2Protocol.parse(requestFixture('v2-columns.json'), JSON_TYPE);
    expect(parsed.id).toBe('42');
    expect(parsed.outputs).toEqual(['predict', 'predict_proba']);
    expect(compileSignature(SIGNATURE)(parsed.rows).map((record) => ({ ...record }))).toEqual([
      { duration: 12.5, amount: 300, age: 41, channel: 'web' },
      { duration: null, amount: 80, age: null, channel: 'kiosk' },
    ]);
  });

  it('reads the [N, F] fixture for a number-only signature', () => {
    expect(readWith(NUMERIC_SIGNATURE, requestFixture('v2-matrix.json'))).toEqual([
      { duration: 12.5, amount: 300, age: 41 },
      { duration: null, amount: 80, age: null },
    ]);
  });

  it('names the cell of a value refused by the signature', () => {
    const body =
      '{"inputs": [{"name": "duration", "shape": [5], "datatype": "BYTES", "data": ["1", "2", "3", "4", "x"]}]}';
    const error = refusal(() => readWith(SIGNATURE, body));
    expect(error.message).toBe('inputs.duration[0]: expected a number, got "1"');
    const wide = '{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": [1, 2, 3, 4]}]}';
    expect(refusal(() => readWith(SIGNATURE, wide)).field).toBe('inputs[0].data[0][3] (channel)');
    const narrow = '{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [1, 2]}]}';
    expect(refusal(() => readWith(SIGNATURE, narrow)).message).toContain('expected an array of 4 values');
  });

  it('refuses malformed tensors, naming the field', () => {
    const tensor = (fields: string) => `{"inputs": [{${fields}}]}`;
    const ok = '"name": "age", "shape": [2], "datatype": "FP64", "data": [1, 2]';
    const cases: [string, string][] = [
      ['{}', 'inputs'],
      ['{"inputs": []}', 'inputs'],
      ['{"inputs": {}}', 'inputs'],
      ['{"inputs": [5]}', 'inputs[0]'],
      [tensor(`${ok}, "extra": 1`), 'inputs[0].extra'],
      [tensor('"shape": [2], "datatype": "FP64", "data": [1, 2]'), 'inputs[0].name'],
      [tensor('"name": "age", "shape": [2, 1, 1], "datatype": "FP64", "data": [1, 2]'), 'inputs[0].shape'],
      [tensor('"name": "age", "shape": [-1], "datatype": "FP64", "data": [1, 2]'), 'inputs[0].shape'],
      [tensor('"name": "age", "shape": [2, 0], "datatype": "FP64", "data": []'), 'inputs[0].shape'],
      [tensor('"name": "age", "shape": "2", "datatype": "FP64", "data": [1, 2]'), 'inputs[0].shape'],
      [tensor('"name": "age", "shape": [2], "datatype": "FP128", "data": [1, 2]'), 'inputs[0].datatype'],
      [tensor('"name": "age", "shape": [3], "datatype": "FP64", "data": [1, 2]'), 'inputs[0].data'],
      [tensor('"name": "age", "shape": [2], "datatype": "FP64", "data": "AAAA"'), 'inputs[0].data'],
      [
        tensor('"name": "age", "shape": [2, 2], "datatype": "FP64", "data": [[1, 2], [3]]'),
        'inputs[0].data[1]',
      ],
      [tensor('"name": "age", "shape": [2], "datatype": "INT32", "data": [1, 2.5]'), 'inputs[0].data[1]'],
      [tensor('"name": "age", "shape": [2], "datatype": "UINT8", "data": [1, -2]'), 'inputs[0].data[1]'],
      [tensor('"name": "age", "shape": [2], "datatype": "FP64", "data": [1, "2"]'), 'inputs[0].data[1]'],
      [tensor('"name": "age", "shape": [2], "datatype": "BYTES", "data": ["a", 2]'), 'inputs[0].data[1]'],
      [tensor('"name": "age", "shape": [1], "datatype": "FP64", "data": [1e400]'), 'inputs[0].data[0]'],
      [`{"inputs": [{${ok}}, {${ok}}]}`, 'inputs[1].name'],
      [
        `{"inputs": [{${ok}}, {"name": "amount", "shape": [3], "datatype": "FP64", "data": [1, 2, 3]}]}`,
        'inputs[1].shape',
      ],
      [
        `{"inputs": [{${ok}}, {"name": "m", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 3, 4]}]}`,
        'inputs[1].shape',
      ],
      [`{"id": 42, "inputs": [{${ok}}]}`, 'id'],
      [`{"parameters": [], "inputs": [{${ok}}]}`, 'parameters'],
      [`{"inputs": [{${ok}}], "outputs": [{"name": "output0"}]}`, 'outputs[0].name'],
      [`{"inputs": [{${ok}}], "outputs": {"name": "predict"}}`, 'outputs'],
      [`{"inputs": [{${ok}}], "model_name": "x"}`, 'model_name'],
    ];
    for (const [body, field] of cases) {
      const error = refusal(() => readWith(SIGNATURE, body));
      expect([body, error.status, error.field]).toEqual([body, 400, field]);
    }
  });

  it('refuses content types other than JSON with 415', () => {
    expect(refusal(() => v2Protocol.parse('{}', 'application/octet-stream')).status).toBe(415);
  });

  it('does not take a huge shape for an allocation', () => {
    const body =
      '{"inputs": [{"name": "m", "shape": [1, 9007199254740991], "datatype": "FP64", "data": [[1]]}]}';
    expect(refusal(() => v2Protocol.parse(body, JSON_TYPE)).field).toBe('inputs[0].data[0]');
    const flat =
      '{"inputs": [{"name": "m", "shape": [9007199254740991, 2], "datatype": "FP64", "data": [1, 2]}]}';
    expect(refusal(() => v2Protocol.parse(flat, JSON_TYPE)).field).toBe('inputs[0].data');
  });
});

describe('Open Inference Protocol V2: responses', () => {
  const scored = scoredOf(
    ['no', 'yes'],
    [
      [0.25, 0.75],
      [0.5, 0.5],
      [1, 0],
    ],
  );

  it('answers predict (BYTES labels) and predict_proba ([N, C] FP64, row-major), echoing the id', () => {
    const response = v2Protocol.format(
      scored,
      v2Protocol.parse(requestFixture('v2-columns.json'), JSON_TYPE),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json', 'x-request-id': 'req-1' });
    expect(JSON.parse(response.body)).toEqual({
      model_name: 'churn',
      model_version: '3',
      id: '42',
      outputs: [
        { name: 'predict', shape: [3], datatype: 'BYTES', data: ['yes', 'no', 'no'] },
        { name: 'predict_proba', shape: [3, 2], datatype: 'FP64', data: [0.25, 0.75, 0.5, 0.5, 1, 0] },
      ],
    });
  });

  it('answers only the requested outputs, and uses the request id when the client sent none', () => {
    const body =
      '{"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [1]}], "outputs": [{"name": "predict_proba"}]}';
    const parsed = JSON.parse(v2Protocol.format(scored, v2Protocol.parse(body, JSON_TYPE)).body);
    expect(parsed.id).toBe('req-1');
    expect(parsed.outputs.map((output: { name: string }) => output.name)).toEqual(['predict_proba']);
  });

  it('types numeric labels INT64 or FP64', () => {
    expect(labelDatatype([0, 1, 2])).toBe('INT64');
    expect(labelDatatype([0.5, 1])).toBe('FP64');
    expect(labelDatatype(['0', '1'])).toBe('BYTES');
    const numeric = scoredOf([3, 7], [[0.1, 0.9]]);
    const request = v2Protocol.parse(
      '{"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [1]}]}',
      JSON_TYPE,
    );
    expect(JSON.parse(v2Protocol.format(numeric, request).body).outputs[0]).toEqual({
      name: 'predict',
      shape: [1],
      datatype: 'INT64',
      data: [7],
    });
  });

  it('writes errors as {"error": message}', () => {
    const error = new ServingRequestError(400, 'inputs[0].shape: bad', { field: 'inputs[0].shape' });
    const response = v2Protocol.formatError(error, 'req-4');
    expect([response.statusCode, response.headers['x-request-id']]).toEqual([400, 'req-4']);
    expect(JSON.parse(response.body)).toEqual({ error: 'inputs[0].shape: bad' });
  });
});

describe('Open Inference Protocol V2: metadata and health', () => {
  it('describes the model’s tensors', () => {
    const record = {
      modelName: 'churn',
      version: 3,
      algorithm: 'random_forest',
      signature: SIGNATURE,
    } as unknown as ModelVersionRecord;
    expect(v2ModelMetadata(record, [1, 2, 3])).toEqual({
      name: 'churn',
      versions: ['1', '2', '3'],
      platform: 'synergy-random_forest',
      inputs: [
        { name: 'duration', datatype: 'FP64', shape: [-1] },
        { name: 'amount', datatype: 'FP64', shape: [-1] },
        { name: 'age', datatype: 'FP64', shape: [-1] },
        { name: 'channel', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [
        { name: 'predict', datatype: 'BYTES', shape: [-1] },
        { name: 'predict_proba', datatype: 'FP64', shape: [-1, 2] },
      ],
    });
  });

  it('answers health and readiness bodies', () => {
    expect(v2LiveBody()).toEqual({ live: true });
    expect(v2ReadyBody(false)).toEqual({ ready: false });
    expect(v2ModelReadyBody('churn', true)).toEqual({ name: 'churn', ready: true });
  });
});
