import { describe, expect, it } from 'vitest';
import { ServingRequestError } from '../../../../layers/core/serving/errors.ts';
import { nativeProtocol } from '../../../../layers/core/serving/protocols/native.ts';
import { compileSignature } from '../../../../layers/core/serving/signature-validator.ts';
import { scoredOf } from '../../../fixtures/serving/scored.ts';
import { SIGNATURE } from '../../../fixtures/serving/signature.ts';
import { refusal, requestFixture } from './requests.ts';

const validate = compileSignature(SIGNATURE);
const EXPECTED = [
  { duration: 12.5, amount: 300, age: 41, channel: 'web' },
  { duration: null, amount: 80, age: null, channel: 'kiosk' },
];
const read = (body: string, contentType?: string) =>
  validate(nativeProtocol.parse(body, contentType).rows).map((record) => ({ ...record }));

describe('native protocol: requests', () => {
  it('reads {"rows": [records]} and {"instances": [rows]} to the same records', () => {
    expect(read(requestFixture('native-rows.json'), 'application/json')).toEqual(EXPECTED);
    expect(read(requestFixture('native-instances.json'), 'application/json; charset=utf-8')).toEqual(
      EXPECTED,
    );
  });

  it('accepts a body sent without a content type', () => {
    expect(read(requestFixture('native-rows.json'))).toEqual(EXPECTED);
  });

  it('refuses other content types with 415', () => {
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'text/csv',
      'application/json; charset=latin1',
    ]) {
      const error = refusal(() => nativeProtocol.parse('{"rows":[]}', contentType));
      expect(error.status).toBe(415);
      expect(error.field).toBe('content-type');
    }
  });

  it('refuses bodies that are not one JSON object with exactly one of rows or instances', () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'body'],
      ['', 'body'],
      ['{"rows": [', 'body'],
      ['[1, 2]', 'body'],
      ['"rows"', 'body'],
      ['{}', 'body'],
      ['{"rows": [], "instances": []}', 'body'],
      ['{"rows": [], "extra": 1}', 'extra'],
      ['{"rows": {"age": 1}}', 'rows'],
      ['{"instances": 5}', 'instances'],
      ['{"constructor": {}}', 'constructor'],
      ['{"__proto__": {"rows": [{"age": 1}]}}', '__proto__'],
    ];
    for (const [body, field] of cases) {
      const error = refusal(() => nativeProtocol.parse(body, 'application/json'));
      expect([body, error.status, error.field]).toEqual([body, 400, field]);
    }
  });

  it('refuses deep nesting before parsing, but not brackets inside strings', () => {
    for (const body of ['['.repeat(1_000_000), `{"rows": ${'['.repeat(40)}${']'.repeat(40)}}`]) {
      const error = refusal(() => nativeProtocol.parse(body, 'application/json'));
      expect([error.status, error.field, error.message]).toEqual([
        400,
        'body',
        'body: the JSON nests deeper than 32 levels',
      ]);
    }
    const text = `[{\\"${'['.repeat(40)}`;
    const records = validate(nativeProtocol.parse(`{"rows": [{"channel": "${text}"}]}`, undefined).rows);
    expect(records[0].channel).toBe(`[{"${'['.repeat(40)}`);
  });

  it('does not echo the body in a JSON syntax error', () => {
    const error = refusal(() => nativeProtocol.parse('{"rows": [{"age": SECRET}]}', 'application/json'));
    expect(error.message).not.toContain('SECRET');
    expect(error.message).toContain('not valid JSON');
  });
});

describe('native protocol: responses', () => {
  it('writes model, version, alias, labels and per-class probabilities', () => {
    const scored = scoredOf(
      ['no', 'yes'],
      [
        [0.25, 0.75],
        [0.9, 0.1],
      ],
    );
    const response = nativeProtocol.format(scored, nativeProtocol.parse('{"rows":[{}]}', undefined));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json', 'x-request-id': 'req-1' });
    expect(JSON.parse(response.body)).toEqual({
      model: 'churn',
      version: 3,
      alias: 'champion',
      predictions: ['yes', 'no'],
      probabilities: [
        { no: 0.25, yes: 0.75 },
        { no: 0.9, yes: 0.1 },
      ],
    });
  });

  it('writes numeric labels as numbers, a missing alias as null, and a "__proto__" class as a plain key', () => {
    const scored = scoredOf([0, 1], [[0.4, 0.6]], { alias: undefined });
    expect(
      JSON.parse(
        nativeProtocol.format(scored, { rows: { kind: 'records', records: [], field: 'rows' } }).body,
      ),
    ).toMatchObject({
      alias: null,
      predictions: [1],
      probabilities: [{ 0: 0.4, 1: 0.6 }],
    });
    const odd = scoredOf(['__proto__', 'constructor'], [[0.7, 0.3]]);
    const body = JSON.parse(
      nativeProtocol.format(odd, { rows: { kind: 'records', records: [], field: 'rows' } }).body,
    );
    expect(Object.hasOwn(body.probabilities[0], '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(body.probabilities[0], '__proto__')?.value).toBe(0.7);
    expect(body.predictions).toEqual(['__proto__']);
  });

  it('round-trips probabilities exactly', () => {
    const p = [1 / 3, 2 / 3];
    const body = JSON.parse(
      nativeProtocol.format(scoredOf(['a', 'b'], [p]), {
        rows: { kind: 'records', records: [], field: 'rows' },
      }).body,
    );
    expect(body.probabilities[0]).toEqual({ a: p[0], b: p[1] });
  });

  it('writes errors with a code, the message, the field and the request id', () => {
    const error = new ServingRequestError(400, 'rows[0].age: expected a number, got "x"', {
      field: 'rows[0].age',
    });
    const response = nativeProtocol.formatError(error, 'req-9');
    expect(response.statusCode).toBe(400);
    expect(response.headers['x-request-id']).toBe('req-9');
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'BAD_REQUEST', message: error.message, field: 'rows[0].age' },
      requestId: 'req-9',
    });
    const missing = nativeProtocol.formatError(new ServingRequestError(404, 'no model "x"'), 'req-10');
    expect(JSON.parse(missing.body).error).toEqual({ code: 'NOT_FOUND', message: 'no model "x"' });
  });
});
