import { describe, expect, it } from 'vitest';
import type { InputSignature } from '../../../layers/core/pipeline/records.ts';
import { ServingRequestError } from '../../../layers/core/serving/errors.ts';
import type { RawRows } from '../../../layers/core/serving/rows.ts';
import { CsvRow, compileSignature } from '../../../layers/core/serving/signature-validator.ts';
import { SIGNATURE, SIGNATURE_AGE_REQUIRED } from '../../fixtures/serving/signature.ts';

const validate = compileSignature(SIGNATURE);

function refusal(rows: RawRows, signature: InputSignature = SIGNATURE): ServingRequestError {
  try {
    compileSignature(signature)(rows);
  } catch (error) {
    if (error instanceof ServingRequestError) return error;
    throw error;
  }
  throw new Error('expected a ServingRequestError');
}

const plain = (records: readonly object[]): object[] => records.map((record) => ({ ...record }));

const FULL = { duration: 12.5, amount: 300, age: 41, channel: 'web' };
const EXPECTED = [FULL, { duration: null, amount: 80, age: null, channel: 'kiosk' }];

describe('compileSignature: the four row shapes', () => {
  it('reads records, filling absent and null fields as missing', () => {
    const records = [FULL, { duration: null, amount: 80, channel: 'kiosk' }];
    expect(plain(validate({ kind: 'records', records, field: 'rows' }))).toEqual(EXPECTED);
  });

  it('reads positional rows in signature order', () => {
    const data = [
      [12.5, 300, 41, 'web'],
      [null, 80, null, 'kiosk'],
    ];
    expect(plain(validate({ kind: 'positional', data, field: 'instances' }))).toEqual(EXPECTED);
  });

  it('reads a table in its own column order, columns it lacks missing', () => {
    const rows: RawRows = {
      kind: 'table',
      columns: ['channel', 'amount', 'duration'],
      data: [
        ['web', 300, 12.5],
        ['kiosk', 80, null],
      ],
      field: 'dataframe_split',
    };
    expect(plain(validate(rows))).toEqual([
      { ...FULL, age: null },
      { duration: null, amount: 80, age: null, channel: 'kiosk' },
    ]);
  });

  it('reads columns', () => {
    const columns = { duration: [12.5, null], amount: [300, 80], age: [41, null], channel: ['web', 'kiosk'] };
    expect(plain(validate({ kind: 'columns', columns, field: 'inputs' }))).toEqual(EXPECTED);
  });

  it('reads a table of CSV rows with the CSV cell rules (numbers from text, NA missing)', () => {
    const rows: RawRows = {
      kind: 'table',
      columns: ['duration', 'amount', 'age', 'channel', 'churn'],
      data: [new CsvRow(['12.5', '300', '41', 'web', 'no'], 2), new CsvRow(['', '80', 'NA', 'kiosk', ''], 3)],
      field: 'text/csv',
    };
    expect(plain(validate(rows))).toEqual(EXPECTED);
  });

  it('accepts text levels never seen in training', () => {
    const [record] = validate({ kind: 'records', records: [{ channel: 'carrier pigeon' }], field: 'rows' });
    expect(record.channel).toBe('carrier pigeon');
  });
});

describe('compileSignature: refusals name the field as the client wrote it', () => {
  const cases: { name: string; rows: RawRows; field: string; reason: string }[] = [
    {
      name: 'text in a number column',
      rows: { kind: 'records', records: [FULL, FULL, FULL, { duration: 'abc' }], field: 'rows' },
      field: 'rows[3].duration',
      reason: 'expected a number, got "abc"',
    },
    {
      name: 'a numeric string in a number column',
      rows: { kind: 'records', records: [{ amount: '12' }], field: 'rows' },
      field: 'rows[0].amount',
      reason: 'expected a number, got "12"',
    },
    {
      name: 'a number in a text column',
      rows: { kind: 'records', records: [{ channel: 3 }], field: 'dataframe_records' },
      field: 'dataframe_records[0].channel',
      reason: 'expected text, got 3',
    },
    {
      name: 'a boolean in a text column',
      rows: { kind: 'records', records: [{ channel: true }], field: 'rows' },
      field: 'rows[0].channel',
      reason: 'expected text, got true',
    },
    {
      name: 'an array as a value',
      rows: { kind: 'records', records: [{ age: [1] }], field: 'rows' },
      field: 'rows[0].age',
      reason: 'expected a number, got an array',
    },
    {
      name: 'an object as a value',
      rows: { kind: 'positional', data: [[1, 2, { x: 1 }, 'web']], field: 'instances' },
      field: 'instances[0][2] (age)',
      reason: 'expected a number, got an object',
    },
    {
      name: 'a number too large for a double (1e400 parses as Infinity)',
      rows: { kind: 'records', records: [JSON.parse('{"age": 1e400}')], field: 'rows' },
      field: 'rows[0].age',
      reason: 'expected a finite number, got a number out of range',
    },
    {
      name: 'an unknown column',
      rows: { kind: 'records', records: [{ ...FULL, height: 180 }], field: 'rows' },
      field: 'rows[0].height',
      reason: 'unknown column "height"',
    },
    {
      name: 'the target column',
      rows: { kind: 'records', records: [{ ...FULL, churn: 'no' }], field: 'rows' },
      field: 'rows[0].churn',
      reason: '"churn" is the target column, not an input',
    },
    {
      name: 'a "__proto__" key',
      rows: { kind: 'records', records: [JSON.parse('{"age": 3, "__proto__": {"x": 1}}')], field: 'rows' },
      field: 'rows[0].__proto__',
      reason: 'unknown column "__proto__"',
    },
    {
      name: 'a "constructor" key',
      rows: { kind: 'records', records: [JSON.parse('{"constructor": 1}')], field: 'rows' },
      field: 'rows[0].constructor',
      reason: 'unknown column "constructor"',
    },
    {
      name: 'a column name that is not an identifier',
      rows: { kind: 'records', records: [{ 'petal length': 1 }], field: 'rows' },
      field: 'rows[0]["petal length"]',
      reason: 'unknown column "petal length"',
    },
    {
      name: 'no rows',
      rows: { kind: 'records', records: [], field: 'rows' },
      field: 'rows',
      reason: 'expected at least one row, got none',
    },
    {
      name: 'a record that is not an object',
      rows: { kind: 'records', records: [FULL, [1, 2, 3, 'web']], field: 'instances' },
      field: 'instances[1]',
      reason: 'expected an object of column values, got an array',
    },
    {
      name: 'a null record',
      rows: { kind: 'records', records: [null], field: 'rows' },
      field: 'rows[0]',
      reason: 'expected an object of column values, got null',
    },
    {
      name: 'a ragged positional row',
      rows: {
        kind: 'positional',
        data: [
          [1, 2, 3, 'web'],
          [1, 2, 3],
        ],
        field: 'instances',
      },
      field: 'instances[1]',
      reason: 'expected an array of 4 values (one per input, in signature order), got 3',
    },
    {
      name: 'a positional row that is not an array',
      rows: { kind: 'positional', data: [[1, 2, 3, 'web'], 'x'], field: 'instances' },
      field: 'instances[1]',
      reason: 'expected an array of 4 values (one per input, in signature order), got "x"',
    },
    {
      name: 'text in a number column of a table',
      rows: {
        kind: 'table',
        columns: ['age', 'duration'],
        data: [
          [1, 2],
          [3, 4],
          [5, 'abc'],
        ],
        field: 'dataframe_split',
      },
      field: 'dataframe_split.data[2][1] (duration)',
      reason: 'expected a number, got "abc"',
    },
    {
      name: 'a ragged table row',
      rows: { kind: 'table', columns: ['age', 'duration'], data: [[1, 2, 3]], field: 'dataframe_split' },
      field: 'dataframe_split.data[0]',
      reason: 'expected an array of 2 values (one per column), got 3',
    },
    {
      name: 'an unknown table column',
      rows: { kind: 'table', columns: ['age', 'height'], data: [[1, 2]], field: 'dataframe_split' },
      field: 'dataframe_split.columns[1]',
      reason: 'unknown column "height"',
    },
    {
      name: 'a repeated table column',
      rows: { kind: 'table', columns: ['age', 'age'], data: [[1, 2]], field: 'dataframe_split' },
      field: 'dataframe_split.columns[1]',
      reason: '"age" repeats columns[0]',
    },
    {
      name: 'a table column name that is not text',
      rows: { kind: 'table', columns: ['age', 7], data: [[1, 2]], field: 'dataframe_split' },
      field: 'dataframe_split.columns[1]',
      reason: 'expected a column name, got 7',
    },
    {
      name: 'a table without rows',
      rows: { kind: 'table', columns: ['age'], data: [], field: 'dataframe_split' },
      field: 'dataframe_split.data',
      reason: 'expected at least one row, got none',
    },
    {
      name: 'text in a number column of columns',
      rows: { kind: 'columns', columns: { duration: [1, 2, 3, 4, 'x'] }, field: 'inputs' },
      field: 'inputs.duration[4]',
      reason: 'expected a number, got "x"',
    },
    {
      name: 'columns of different lengths',
      rows: { kind: 'columns', columns: { duration: [1, 2], amount: [1] }, field: 'inputs' },
      field: 'inputs.amount',
      reason: 'has 1 values, inputs.duration has 2',
    },
    {
      name: 'a column that is not an array',
      rows: { kind: 'columns', columns: { duration: 5 }, field: 'inputs' },
      field: 'inputs.duration',
      reason: 'expected an array of values, got 5',
    },
    {
      name: 'an unknown column among columns',
      rows: { kind: 'columns', columns: { duration: [1], colour: ['red'] }, field: 'inputs' },
      field: 'inputs.colour',
      reason: 'unknown column "colour"',
    },
    {
      name: 'no columns',
      rows: { kind: 'columns', columns: {}, field: 'inputs' },
      field: 'inputs',
      reason: 'expected at least one row, got none',
    },
    {
      name: 'empty columns',
      rows: { kind: 'columns', columns: { duration: [] }, field: 'inputs' },
      field: 'inputs',
      reason: 'expected at least one row, got none',
    },
  ];

  for (const { name, rows, field, reason } of cases) {
    it(`refuses ${name}`, () => {
      const error = refusal(rows);
      expect(error.status).toBe(400);
      expect(error.field).toBe(field);
      expect(error.message).toBe(`${field}: ${reason}`);
    });
  }

  it('cuts a long refused value to about 40 characters and never echoes the rest', () => {
    const long = `${'a'.repeat(60)}SECRET`;
    const error = refusal({ kind: 'records', records: [{ age: long }], field: 'rows' });
    expect(error.message).toContain(`"${'a'.repeat(40)}…"`);
    expect(error.message).not.toContain('SECRET');
  });

  it('never lists the signature (levels, classes or other columns) in a message', () => {
    const error = refusal({ kind: 'records', records: [{ height: 1 }], field: 'rows' });
    for (const secret of ['store', 'duration', 'amount', 'yes']) expect(error.message).not.toContain(secret);
  });

  it('requires values of columns that are not optional, in every shape', () => {
    const shapes: [RawRows, string][] = [
      [{ kind: 'records', records: [{ duration: 1 }], field: 'rows' }, 'rows[0].age'],
      [{ kind: 'positional', data: [[1, 2, null, 'web']], field: 'instances' }, 'instances[0][2] (age)'],
      [
        { kind: 'table', columns: ['duration'], data: [[1]], field: 'dataframe_split' },
        'dataframe_split.columns',
      ],
      [{ kind: 'columns', columns: { duration: [1] }, field: 'inputs' }, 'inputs.age'],
      [{ kind: 'columns', columns: { age: [1, null] }, field: 'inputs' }, 'inputs.age[1]'],
    ];
    for (const [rows, field] of shapes) expect(refusal(rows, SIGNATURE_AGE_REQUIRED).field).toBe(field);
  });

  it('refuses a bad CSV row with the CSV reader’s row and column', () => {
    const rows: RawRows = {
      kind: 'table',
      columns: ['age'],
      data: [new CsvRow(['1'], 2), new CsvRow(['old'], 3)],
      field: 'text/csv',
    };
    expect(refusal(rows).field).toBe('row 3, column "age"');
  });
});

describe('compileSignature: the records it builds', () => {
  it('are prototype-free: a column called "__proto__" is an ordinary field', () => {
    const signature: InputSignature = {
      ...SIGNATURE,
      inputs: [{ name: '__proto__', type: 'number', optional: true }],
    };
    const [record] = compileSignature(signature)({
      kind: 'records',
      records: [JSON.parse('{"__proto__": 5}')],
      field: 'rows',
    });
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(Object.hasOwn(record, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe(5);
  });
});
