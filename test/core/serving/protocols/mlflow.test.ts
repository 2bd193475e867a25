import { describe, expect, it } from 'vitest';
import type { InputSignature } from '../../../../layers/core/pipeline/records.ts';
import { ServingRequestError } from '../../../../layers/core/serving/errors.ts';
import { mlflowProtocol } from '../../../../layers/core/serving/protocols/mlflow.ts';
import { compileSignature } from '../../../../layers/core/serving/signature-validator.ts';
import { scoredOf } from '../../../fixtures/serving/scored.ts';
import { SIGNATURE } from '../../../fixtures/serving/signature.ts';
import { refusal, requestFixture } from './requests.ts';

const JSON_TYPE = 'application/json';
const validate = compileSignature(SIGNATURE);
const read = (body: string, contentType = JSON_TYPE) =>
  validate(mlflowProtocol.parse(body, contentType).rows).map((record) => ({ ...record }));
const EXPECTED = [
  { duration: 12.5, amount: 300, age: 41, channel: 'web' },
  { duration: null, amount: 80, age: null, channel: 'kiosk' },
];

// The request bodies of MLflow's own documentation, "Deploy MLflow Model as a Local Inference Server",
// section "Accepted Input Formats" (https://mlflow.org/docs/latest/ml/deployment/deploy-model-locally),
// for a model whose inputs are the number columns a, b, c.
describe('MLflow scoring protocol: the documented request shapes', () => {
  const abc: InputSignature = {
    inputs: ['a', 'b', 'c'].map((name) => ({ name, type: 'number' as const, optional: true })),
    target: 'y',
    classes: [0, 1],
  };
  const validateAbc = compileSignature(abc);
  const readAbc = (body: string, contentType = JSON_TYPE) =>
    validateAbc(mlflowProtocol.parse(body, contentType).rows).map((record) => ({ ...record }));
  const ROWS = [
    { a: 1, b: 2, c: 3 },
    { a: 4, b: 5, c: 6 },
  ];

  it('dataframe_split', () => {
    expect(
      readAbc('{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3], [4, 5, 6]]}}'),
    ).toEqual(ROWS);
  });

  it('dataframe_records', () => {
    expect(readAbc('{"dataframe_records": [{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 5, "c": 6}]}')).toEqual(
      ROWS,
    );
  });

  it("instances and inputs as lists of rows (the docs' curl example, with three values per row)", () => {
    expect(readAbc('{"inputs": [[1, 2, 3], [4, 5, 6]]}', 'application/json;')).toEqual(ROWS);
    expect(readAbc('{"instances": [[1, 2, 3], [4, 5, 6]]}')).toEqual(ROWS);
  });

  it('instances as records and inputs as an object of columns', () => {
    expect(readAbc('{"instances": [{"a": 1, "b": 2, "c": 3}, {"a": 4, "b": 5, "c": 6}]}')).toEqual(ROWS);
    expect(readAbc('{"inputs": {"a": [1, 4], "b": [2, 5], "c": [3, 6]}}')).toEqual(ROWS);
  });

  it('text/csv as pandas writes it (to_csv with its index column is refused: unknown column)', () => {
    expect(readAbc('a,b,c\n1,2,3\n4,5,6\n', 'text/csv')).toEqual(ROWS);
    expect(refusal(() => readAbc(',a,b,c\n0,1,2,3\n', 'text/csv')).field).toBe('header');
  });

  it("refuses the docs' tensor example whose cells are arrays, naming the cell", () => {
    const body = '{"instances": [{"a": 1, "b": 2, "c": [1, 2, 3]}]}';
    expect(refusal(() => readAbc(body)).field).toBe('instances[0].c');
  });
});

describe('MLflow scoring protocol: requests', () => {
  it('reads every JSON format and CSV fixture to the same records', () => {
    for (const name of [
      'mlflow-dataframe-split.json',
      'mlflow-dataframe-records.json',
      'mlflow-instances.json',
      'mlflow-inputs.json',
    ]) {
      expect([name, read(requestFixture(name), 'application/json; charset=UTF-8')]).toEqual([name, EXPECTED]);
    }
    expect(read(requestFixture('mlflow.csv'), 'text/csv; charset=utf-8')).toEqual(EXPECTED);
  });

  it('refuses any content type but JSON and CSV with 415, including none', () => {
    for (const contentType of [
      undefined,
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'text/csv; charset=latin1',
    ]) {
      const error = refusal(() => mlflowProtocol.parse('{"inputs": [[1]]}', contentType));
      expect([contentType, error.status, error.field]).toEqual([contentType, 415, 'content-type']);
    }
  });

  it('refuses bodies without exactly one format, naming the field', () => {
    const cases: [string, string][] = [
      ['{}', 'body'],
      ['{"params": {}}', 'body'],
      ['{"inputs": [[1]], "instances": [[1]]}', 'body'],
      ['{"dataframe": []}', 'dataframe'],
      ['{"dataframe_records": {"a": 1}}', 'dataframe_records'],
      ['{"dataframe_split": [[1]]}', 'dataframe_split'],
      ['{"dataframe_split": {"data": [[1]]}}', 'dataframe_split.columns'],
      ['{"dataframe_split": {"columns": ["age"], "data": 5}}', 'dataframe_split.data'],
      ['{"dataframe_split": {"columns": ["age"], "data": [[1]], "dtype": {}}}', 'dataframe_split.dtype'],
      ['{"inputs": "age=3"}', 'inputs'],
      ['{"inputs": [[1', 'body'],
    ];
    for (const [body, field] of cases) {
      const error = refusal(() => mlflowProtocol.parse(body, JSON_TYPE));
      expect([body, error.status, error.field]).toEqual([body, 400, field]);
    }
  });

  it('names the cell of a dataframe_split refusal as the client wrote it', () => {
    const body =
      '{"dataframe_split": {"columns": ["age", "duration"], "data": [[1, 2], [3, 4], [5, "abc"]]}}';
    const error = refusal(() => read(body));
    expect(error.message).toBe('dataframe_split.data[2][1] (duration): expected a number, got "abc"');
  });

  it('refuses CSV bodies that are empty, header-only, ragged or unterminated, naming the row', () => {
    const cases: [string, string][] = [
      ['', 'body'],
      ['age,duration\n', 'body'],
      ['age,duration\n1,2\n3\n', 'row 3'],
      ['age,duration\n1,"2\n', 'row 2'],
      ['age,duration\n1,x\n', 'row 2, column "duration"'],
    ];
    for (const [body, field] of cases) {
      const error = refusal(() => read(body, 'text/csv'));
      expect([body, error.status, error.field]).toEqual([body, 400, field]);
    }
  });
});

describe('MLflow scoring protocol: responses', () => {
  it('answers {"predictions": [label, …]}', () => {
    const scored = scoredOf(
      ['no', 'yes'],
      [
        [0.2, 0.8],
        [0.6, 0.4],
      ],
    );
    const response = mlflowProtocol.format(scored, mlflowProtocol.parse('{"inputs": [[1]]}', JSON_TYPE));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json', 'x-request-id': 'req-1' });
    expect(JSON.parse(response.body)).toEqual({ predictions: ['yes', 'no'] });
  });

  it('writes errors as MLflow does: error_code and message', () => {
    const error = new ServingRequestError(415, 'content-type: "text/plain" is not supported', {
      field: 'content-type',
    });
    const response = mlflowProtocol.formatError(error, 'req-2');
    expect(response.statusCode).toBe(415);
    expect(response.headers['x-request-id']).toBe('req-2');
    expect(JSON.parse(response.body)).toEqual({ error_code: 'BAD_REQUEST', message: error.message });
    const gone = mlflowProtocol.formatError(new ServingRequestError(404, 'no model'), 'req-3');
    expect(JSON.parse(gone.body).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
