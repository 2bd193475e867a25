import { describe, expect, it } from 'vitest';
import { compileCsvHeader } from '../../../layers/core/serving/csv-cells.ts';
import { ServingRequestError } from '../../../layers/core/serving/errors.ts';
import { SIGNATURE, SIGNATURE_AGE_REQUIRED } from '../../fixtures/serving/signature.ts';

function refusal(run: () => unknown): ServingRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServingRequestError) return error;
    throw error;
  }
  throw new Error('expected a ServingRequestError');
}

describe('compileCsvHeader', () => {
  it('reads numbers as numbers, text as text, and empty or NA cells as missing', () => {
    const reader = compileCsvHeader(SIGNATURE, ['channel', 'age', 'duration', 'amount']);
    expect({ ...reader.read(['web', ' 41 ', '1e2', '-3.5'], 2) }).toEqual({
      channel: 'web',
      age: 41,
      duration: 100,
      amount: -3.5,
    });
    expect({ ...reader.read(['NA', '', 'n/a', 'NaN'], 3) }).toEqual({
      channel: null,
      age: null,
      duration: null,
      amount: null,
    });
  });

  it('ignores the target column and leaves inputs absent from the header missing', () => {
    const reader = compileCsvHeader(SIGNATURE, ['churn', 'age']);
    expect({ ...reader.read(['yes', '30'], 2) }).toEqual({
      age: 30,
      duration: null,
      amount: null,
      channel: null,
    });
  });

  it('refuses unknown, blank and repeated columns in the header', () => {
    for (const header of [
      ['age', 'height'],
      ['age', ' '],
      ['age', 'duration', 'age'],
    ]) {
      const error = refusal(() => compileCsvHeader(SIGNATURE, header));
      expect(error.status).toBe(400);
      expect(error.field).toBe('header');
    }
    expect(refusal(() => compileCsvHeader(SIGNATURE, ['age', 'height'])).message).toContain('"height"');
    expect(refusal(() => compileCsvHeader(SIGNATURE, ['age', 'duration', 'age'])).message).toContain(
      'repeats column 1',
    );
  });

  it('names the header as the caller calls it', () => {
    expect(refusal(() => compileCsvHeader(SIGNATURE, ['x'], 'batch/m/in/a.csv header')).field).toBe(
      'batch/m/in/a.csv header',
    );
  });

  it('refuses a header without a required column, and a row missing a required value', () => {
    expect(refusal(() => compileCsvHeader(SIGNATURE_AGE_REQUIRED, ['duration'])).message).toContain('"age"');
    const reader = compileCsvHeader(SIGNATURE_AGE_REQUIRED, ['duration', 'age']);
    const error = refusal(() => reader.read(['1', 'NA'], 4));
    expect(error.field).toBe('row 4, column "age"');
  });

  it('refuses text in a number column, naming row and column, and keeps reading the next row', () => {
    const reader = compileCsvHeader(SIGNATURE, ['duration', 'amount']);
    const error = refusal(() => reader.read(['12', '0x1f'], 7));
    expect(error.status).toBe(400);
    expect(error.field).toBe('row 7, column "amount"');
    expect(error.message).toBe('row 7, column "amount": expected a number, got "0x1f"');
    expect({ ...reader.read(['12', '13'], 8) }).toMatchObject({ duration: 12, amount: 13 });
  });

  it('cuts long refused cells short in messages', () => {
    const reader = compileCsvHeader(SIGNATURE, ['amount']);
    const error = refusal(() => reader.read(['x'.repeat(5000)], 2));
    expect(error.message.length).toBeLessThan(120);
  });

  it('refuses a row with the wrong number of cells, naming the row', () => {
    const reader = compileCsvHeader(SIGNATURE, ['duration', 'amount']);
    const error = refusal(() => reader.read(['1'], 5));
    expect(error.field).toBe('row 5');
    expect(error.message).toContain('has 1 cells, the header has 2');
  });

  it('builds records without a prototype, so "__proto__" and "constructor" text stays data', () => {
    const signature = {
      ...SIGNATURE,
      inputs: [
        { name: '__proto__', type: 'string' as const, optional: true },
        { name: 'constructor', type: 'number' as const, optional: true },
      ],
    };
    const record = compileCsvHeader(signature, ['__proto__', 'constructor']).read(['polluted', '3'], 2);
    expect(Object.hasOwn(record, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('polluted');
    expect(record.constructor).toBe(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
