import { describe, expect, it } from 'vitest';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { Preprocessor } from '../../../layers/ml/data/preprocessor.ts';
import { DataError, ModelFormatError, ParamsError } from '../../../layers/ml/errors.ts';

const rows = Array.from({ length: 30 }, (_, i) => ({
  duration: i % 7 === 3 ? '' : String(10 + ((i * 37) % 23) / 4),
  channel: ['web', 'phone', 'store', 'NA'][i % 4],
  visits: String((i * 13) % 9),
  label: ['no', 'yes', 'maybe'][i % 3],
}));
const text = `duration,channel,visits,label\n${rows.map((r) => `${r.duration},${r.channel},${r.visits},${r.label}`).join('\n')}\n`;

/** Row i of a column-major matrix. */
function rowOf(m: { nRows: number; nFeatures: number; values: Float64Array }, i: number): number[] {
  return Array.from({ length: m.nFeatures }, (_, j) => m.values[j * m.nRows + i]);
}

describe('Preprocessor', () => {
  it('reproduces the prepared matrices exactly from the original records', async () => {
    const data = await prepareCsv(text, { folds: 3 });
    const records = Array.from(data.trainRows, (r) => rows[r]);
    const again = data.preprocessor.transformRecords(records);
    expect(again.nRows).toBe(data.train.nRows);
    expect(again.values).toEqual(data.train.values);
    const testAgain = data.preprocessor.transformRecords(Array.from(data.testRows, (r) => rows[r]));
    expect(testAgain.values).toEqual(data.test.values);
  });

  it('survives toJSON → JSON text → fromJSON with identical transforms and identical JSON', async () => {
    const data = await prepareCsv(text, { folds: 3 });
    const json = JSON.stringify(data.preprocessor.toJSON());
    const back = Preprocessor.fromJSON(JSON.parse(json));
    expect(JSON.stringify(back.toJSON())).toBe(json);
    const probe = [
      { duration: '12.5', channel: 'web', visits: 3 },
      { duration: null, channel: 'fax', visits: '4' },
      { channel: 'NA' },
    ];
    expect(back.transformRecords(probe).values).toEqual(data.preprocessor.transformRecords(probe).values);
    expect(back.classes).toEqual(['maybe', 'no', 'yes']);
    expect(back.decode(1)).toBe('no');
    expect(() => back.decode(3)).toThrow(ParamsError);
  });

  it('serves one record with transformRecord exactly as transformRecords does', async () => {
    const { preprocessor } = await prepareCsv(text, { folds: 3 });
    const records = [
      { duration: 11, channel: 'store', visits: '8', label: 'ignored' },
      { duration: ' 12.25 ', channel: 'phone', visits: null },
    ];
    const batch = preprocessor.transformRecords(records);
    const out = new Float64Array(preprocessor.nFeatures);
    records.forEach((record, i) => {
      preprocessor.transformRecord(record, out);
      expect(Array.from(out)).toEqual(rowOf(batch, i));
    });
  });

  it('accepts numbers given as strings and imputes absent, null and NA fields like empty cells', async () => {
    const { preprocessor } = await prepareCsv(text, { folds: 3 });
    const m = preprocessor.transformRecords([
      { duration: 12, channel: 'web', visits: 2 },
      { duration: '12', channel: 'web', visits: '2.0' },
      { duration: null, channel: null },
      { duration: '', channel: 'NA', visits: 'N/A' },
      {},
    ]);
    expect(rowOf(m, 1)).toEqual(rowOf(m, 0));
    expect(rowOf(m, 3)).toEqual(rowOf(m, 2));
    expect(rowOf(m, 4)).toEqual(rowOf(m, 2));
  });

  it('names the record and field of a value of the wrong kind', async () => {
    const { preprocessor } = await prepareCsv(text, { folds: 3 });
    const bad = (records: Record<string, unknown>[]) => {
      try {
        preprocessor.transformRecords(records);
      } catch (err) {
        if (err instanceof DataError) return [err.code, err.message, err.column];
        throw err;
      }
      throw new Error('no error');
    };
    expect(bad([{ duration: 1 }, { duration: 'abc' }])).toEqual([
      'INVALID_VALUE',
      'record 1, field "duration": "abc" is not a number',
      'duration',
    ]);
    expect(bad([{}, {}, { visits: true }])).toEqual([
      'INVALID_VALUE',
      'record 2, field "visits": expected a number, got boolean',
      'visits',
    ]);
    expect(bad([{ channel: { name: 'web' } }])).toEqual([
      'INVALID_VALUE',
      'record 0, field "channel": expected text, got object',
      'channel',
    ]);
    expect(bad([{ duration: Number.POSITIVE_INFINITY }])).toEqual([
      'INVALID_VALUE',
      'record 0, field "duration": Infinity is not a finite number',
      'duration',
    ]);
    expect(() =>
      preprocessor.transformRecord({ visits: [1] }, new Float64Array(preprocessor.nFeatures)),
    ).toThrow('field "visits": expected a number, got an array');
  });

  it('fromJSON rejects malformed or inconsistent JSON with ModelFormatError naming the field', async () => {
    const { preprocessor } = await prepareCsv(text, { folds: 3 });
    const good = JSON.parse(JSON.stringify(preprocessor.toJSON()));
    const broken = (edit: (j: typeof good) => void): string => {
      const copy = structuredClone(good);
      edit(copy);
      try {
        Preprocessor.fromJSON(copy);
      } catch (err) {
        if (err instanceof ModelFormatError) return err.message;
        throw err;
      }
      throw new Error('accepted');
    };
    expect(broken((j) => (j.format = 'synergy.other'))).toMatch(/^preprocessor JSON: format: /);
    expect(broken((j) => (j.formatVersion = 2))).toMatch(/^preprocessor JSON: formatVersion: /);
    expect(broken((j) => (j.inputs[0].median = 'x'))).toMatch(/^preprocessor JSON: inputs\[0\]\.median: /);
    expect(broken((j) => (j.inputs[0].scales = [0]))).toBe(
      'preprocessor JSON: inputs[0].scales[0]: must be positive',
    );
    expect(broken((j) => j.inputs[1].means.pop())).toBe(
      'preprocessor JSON: inputs[1]: means and scales must have 4 entries (one per feature of "channel")',
    );
    expect(broken((j) => (j.classes = ['a', 'a']))).toBe('preprocessor JSON: classes[1]: "a" appears twice');
    expect(broken((j) => (j.classes = ['a']))).toBe('preprocessor JSON: classes: needs at least two classes');
    expect(broken((j) => (j.featureNames[0] = 'other'))).toMatch(
      /^preprocessor JSON: featureNames: must be /,
    );
    expect(broken((j) => (j.extra = 1))).toMatch(/^preprocessor JSON: /);
    expect(() => Preprocessor.fromJSON(null)).toThrow(ModelFormatError);
  });
});

describe('determinism', () => {
  it('same data and seed ⇒ same split and byte-identical JSON; another seed ⇒ another split', async () => {
    const a = await prepareCsv(text, { folds: 3 });
    const b = await prepareCsv(text, { folds: 3 });
    expect(Array.from(b.trainRows)).toEqual(Array.from(a.trainRows));
    expect(Array.from(b.testRows)).toEqual(Array.from(a.testRows));
    expect(JSON.stringify(b.preprocessor.toJSON())).toBe(JSON.stringify(a.preprocessor.toJSON()));
    expect(b.train.values).toEqual(a.train.values);
    const c = await prepareCsv(text, { folds: 3, seed: 7 });
    expect(Array.from(c.testRows)).not.toEqual(Array.from(a.testRows));
  });

  it('stratifies by default (class proportions kept) and can be told not to', async () => {
    const skewed = `x,label\n${Array.from({ length: 100 }, (_, i) => `${i},${i < 80 ? 'big' : 'small'}`).join('\n')}\n`;
    const strat = await prepareCsv(skewed);
    expect(strat.test.nRows).toBe(20);
    expect(Array.from(strat.test.y).filter((k) => k === 1).length).toBe(4);
    const seeds = [1, 2, 3, 4, 5, 6];
    const smallInTest = await Promise.all(
      seeds.map(async (seed) => {
        const d = await prepareCsv(skewed, { stratify: false, seed });
        return Array.from(d.test.y).filter((k) => k === 1).length;
      }),
    );
    // Without stratification the count wanders around 4 instead of being pinned to it.
    expect(smallInTest.some((n) => n !== 4)).toBe(true);
  });
});
