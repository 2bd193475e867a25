import { describe, expect, it } from 'vitest';
import { median } from '../../../layers/ml/data/encoding.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import type { CategoricalColumnSchema, NumericColumnSchema } from '../../../layers/ml/data/schema.ts';
import { Random } from '../../../layers/ml/random.ts';

/** 20 rows; `amount` has missing cells (empty and NA), `island` missing cells and three levels. */
const baseAmounts = [
  '1',
  '',
  '2',
  '3',
  '100',
  '4',
  'NA',
  '5',
  '6',
  '7',
  '200',
  '8',
  '9',
  '',
  '10',
  '300',
  '11',
  '12',
  '13',
  '400',
];
const islands = ['Biscoe', 'Dream', '', 'Biscoe', 'Torgersen', 'Dream', 'Biscoe', 'NA', 'Dream', 'Biscoe'];
const csvOf = (amounts: string[]) =>
  `amount,island,label\n${amounts.map((a, i) => `${a},${islands[i % 10]},${'pq'[i % 2]}`).join('\n')}\n`;
const text = csvOf(baseAmounts);

function numericMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function featureColumn(values: Float64Array, nRows: number, j: number): number[] {
  return Array.from(values.subarray(j * nRows, (j + 1) * nRows));
}

describe('imputation, encoding and scaling are fitted on the training split only', () => {
  it('imputes the training median and scales with training mean and population std', async () => {
    // The split depends only on the labels, so raising the test rows' amounts leaves it as it is while
    // pulling the file-wide median away from the training one.
    const { testRows } = await prepareCsv(text, { folds: 2 });
    const amounts = baseAmounts.map((a, r) =>
      a !== '' && a !== 'NA' && testRows.includes(r) ? String(1000 + r) : a,
    );
    const data = await prepareCsv(csvOf(amounts), { folds: 2 });
    expect(Array.from(data.testRows)).toEqual(Array.from(testRows));
    const amount = data.inputs[0] as NumericColumnSchema;
    const trainAmounts = Array.from(data.trainRows, (r) => amounts[r]).filter((a) => a !== '' && a !== 'NA');
    const expectedMedian = numericMedian(trainAmounts.map(Number));
    expect(amount.median).toBe(expectedMedian);
    const allPresent = amounts.filter((a) => a !== '' && a !== 'NA').map(Number);
    expect(numericMedian(allPresent)).not.toBe(expectedMedian);

    // Hand computation of StandardScaler on the imputed training column.
    const imputed = Array.from(data.trainRows, (r) =>
      amounts[r] === '' || amounts[r] === 'NA' ? expectedMedian : Number(amounts[r]),
    );
    const mean = imputed.reduce((s, x) => s + x, 0) / imputed.length;
    const std = Math.sqrt(imputed.reduce((s, x) => s + (x - mean) ** 2, 0) / imputed.length);
    expect(amount.means[0]).toBeCloseTo(mean, 12);
    expect(amount.scales[0]).toBeCloseTo(std, 12);
    const got = featureColumn(data.train.values, data.train.nRows, 0);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo((imputed[i] - mean) / std, 12);
    });
    // Test rows use the training statistics too.
    const testGot = featureColumn(data.test.values, data.test.nRows, 0);
    Array.from(data.testRows).forEach((r, i) => {
      const x = amounts[r] === '' || amounts[r] === 'NA' ? expectedMedian : Number(amounts[r]);
      expect(testGot[i]).toBeCloseTo((x - mean) / std, 12);
    });
  });

  it('one-hot encodes sorted training levels plus a missing indicator, scaled like any feature', async () => {
    const data = await prepareCsv(text, { folds: 2 });
    const island = data.inputs[1] as CategoricalColumnSchema;
    expect(island.levels).toEqual(['Biscoe', 'Dream', 'Torgersen']);
    expect(island.missingLevel).toBe(true);
    expect(data.featureNames).toEqual([
      'amount',
      'island=Biscoe',
      'island=Dream',
      'island=Torgersen',
      'island=(missing)',
    ]);
    const n = data.train.nRows;
    const hot = Array.from(data.trainRows, (r) => {
      const v = islands[r % 10];
      return v === '' || v === 'NA' ? '(missing)' : v;
    });
    ['Biscoe', 'Dream', 'Torgersen', '(missing)'].forEach((level, k) => {
      const indicator = hot.map((h): number => (h === level ? 1 : 0));
      const mean = indicator.reduce((s, x) => s + x, 0) / n;
      const std = Math.sqrt(indicator.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
      expect(island.means[k]).toBeCloseTo(mean, 14);
      expect(island.scales[k]).toBeCloseTo(std, 14);
      featureColumn(data.train.values, n, 1 + k).forEach((v, i) => {
        expect(v).toBeCloseTo((indicator[i] - mean) / std, 12);
      });
    });
  });

  it('turns an unseen level into all-zero indicators and a missing value into the missing indicator', async () => {
    const data = await prepareCsv(text, { folds: 2 });
    const island = data.inputs[1] as CategoricalColumnSchema;
    const m = data.preprocessor.transformRecords([
      { amount: 5, island: 'Atlantis' },
      { amount: 5, island: null },
      { amount: 5 },
      { amount: 5, island: 'Dream' },
    ]);
    const indicators = (i: number) =>
      [0, 1, 2, 3].map((k) =>
        Math.round(m.values[(1 + k) * m.nRows + i] * island.scales[k] + island.means[k]),
      );
    expect(indicators(0)).toEqual([0, 0, 0, 0]);
    expect(indicators(1)).toEqual([0, 0, 0, 1]);
    expect(indicators(2)).toEqual([0, 0, 0, 1]);
    expect(indicators(3)).toEqual([0, 1, 0, 0]);
  });

  it('gives a constant feature scale 1 (so it maps to 0), also when rounding makes its variance tiny', async () => {
    const csv = `a,b,label\n${Array.from({ length: 12 }, (_, i) => `0.1,7,${'pq'[i % 2]}`).join('\n')}\n`;
    const data = await prepareCsv(csv, { folds: 2 });
    expect(data.inputs.map((x) => x.scales[0])).toEqual([1, 1]);
    expect(Array.from(data.train.values).every((v) => Math.abs(v) < 1e-12)).toBe(true);
  });

  it('drops levels seen only in the test split and has no missing indicator when training had none', async () => {
    // Stratify off and a seed-chosen split: find which rows are test and put a unique level there.
    const rows = 20;
    const plain = `c,label\n${Array.from({ length: rows }, (_, i) => `${'xy'[i % 2]},${'pq'[(i >> 1) % 2]}`).join('\n')}\n`;
    const first = await prepareCsv(plain, { folds: 2 });
    const testRow = first.testRows[0];
    const lines = plain.trimEnd().split('\n');
    lines[testRow + 1] = `only-in-test,${lines[testRow + 1].split(',')[1]}`;
    lines[first.testRows[1] + 1] = `,${lines[first.testRows[1] + 1].split(',')[1]}`;
    const data = await prepareCsv(`${lines.join('\n')}\n`, { folds: 2 });
    expect(Array.from(data.testRows)).toEqual(Array.from(first.testRows));
    expect(data.featureNames).toEqual(['c=x', 'c=y']);
    expect(data.summary.missingCells.c).toBe(1);
  });
});

describe('median', () => {
  it('matches a sort-based median on random arrays with ties, odd and even lengths', () => {
    const rng = new Random(3);
    for (let t = 0; t < 2000; t++) {
      const n = 1 + rng.int(30);
      const values = Float64Array.from({ length: n }, () => (rng.next() < 0.4 ? rng.int(3) : rng.normal()));
      expect(median(values)).toBe(numericMedian(Array.from(values)));
    }
    expect(median(new Float64Array(0))).toBe(0);
  });
});
