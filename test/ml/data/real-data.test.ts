import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import type { NumericColumnSchema } from '../../../layers/ml/data/schema.ts';
import { DataError } from '../../../layers/ml/errors.ts';
import { fileStream, toCsv, vegaDataDir } from './fixtures.ts';

type Penguin = Record<string, string | number | null>;
const penguins = JSON.parse(readFileSync(`${vegaDataDir}penguins.json`, 'utf8')) as Penguin[];
const penguinColumns = Object.keys(penguins[0]);
const numericPenguinColumns = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Mean and population std of feature j of a column-major matrix. */
function moments(m: { nRows: number; values: Float64Array }, j: number): [number, number] {
  const col = m.values.subarray(j * m.nRows, (j + 1) * m.nRows);
  const mean = col.reduce((s, x) => s + x, 0) / col.length;
  return [mean, Math.sqrt(col.reduce((s, x) => s + (x - mean) ** 2, 0) / col.length)];
}

describe('penguins (vega-datasets penguins.json as CSV)', () => {
  it('infers kinds, keeps nulls as missing, and serves the original JSON records to the same matrix', async () => {
    const data = await prepareCsv(toCsv(penguinColumns, penguins), { target: 'Species' });
    expect(data.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(data.summary.rows).toBe(344);
    expect(data.summary.classCounts).toEqual({ Adelie: 152, Chinstrap: 68, Gentoo: 124 });
    const nulls = (c: string) => penguins.filter((p) => p[c] === null).length;
    expect(data.summary.missingCells).toEqual(Object.fromEntries(penguinColumns.map((c) => [c, nulls(c)])));
    expect(data.inputs.map((x) => [x.name, x.kind])).toEqual([
      ['Island', 'categorical'],
      ...numericPenguinColumns.map((c) => [c, 'numeric']),
      ['Sex', 'categorical'],
    ]);
    const trainSexes = [...new Set(Array.from(data.trainRows, (r) => penguins[r].Sex))];
    const sexLevels = trainSexes.filter((s): s is string => typeof s === 'string').sort();
    expect(data.featureNames).toEqual([
      'Island=Biscoe',
      'Island=Dream',
      'Island=Torgersen',
      ...numericPenguinColumns,
      ...sexLevels.map((s) => `Sex=${s}`),
      ...(trainSexes.includes(null) ? ['Sex=(missing)'] : []),
    ]);
    expect(data.train.nRows + data.test.nRows).toBe(344);
    expect(data.test.nRows).toBe(Math.ceil(0.2 * 344));

    // Training medians by hand, from the JSON numbers.
    for (const c of numericPenguinColumns) {
      const input = data.inputs.find((x) => x.name === c) as NumericColumnSchema;
      const present = Array.from(data.trainRows, (r) => penguins[r][c]).filter(
        (v): v is number => typeof v === 'number',
      );
      expect(input.median).toBe(median(present));
    }
    // Every training feature is standardized.
    for (let j = 0; j < data.train.nFeatures; j++) {
      const [mean, std] = moments(data.train, j);
      expect(mean).toBeCloseTo(0, 12);
      expect(std).toBeCloseTo(1, 12);
    }
    // JSON numbers and nulls (the serving path) give exactly what the CSV text gave.
    const served = data.preprocessor.transformRecords(Array.from(data.testRows, (r) => penguins[r]));
    expect(served.values).toEqual(data.test.values);
    expect(Array.from(data.test.y, (k) => data.preprocessor.decode(k))).toEqual(
      Array.from(data.testRows, (r) => penguins[r].Species),
    );
  });
});

describe('seattle-weather (vega-datasets CSV, streamed from the file)', () => {
  const path = `${vegaDataDir}seattle-weather.csv`;
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const records = lines.map((line) => line.split(','));

  it('prepares with the date column ignored', async () => {
    const data = await prepareCsv(fileStream(path, 4096), { columns: { date: 'ignore' } });
    expect(data.target).toBe('weather');
    expect(data.classes).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect(data.featureNames).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(data.summary).toMatchObject({ rows: 1461, columns: 6 });
    const counts: Record<string, number> = {};
    for (const r of records) counts[r[5]] = (counts[r[5]] ?? 0) + 1;
    expect(data.summary.classCounts).toEqual(counts);
    expect(data.test.nRows).toBe(293);
    // Scaler statistics by hand from the training rows.
    data.featureNames.forEach((_, j) => {
      const xs = Array.from(data.trainRows, (r) => Number(records[r][j + 1]));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
      expect(data.inputs[j].means[0]).toBeCloseTo(mean, 10);
      expect(data.inputs[j].scales[0]).toBeCloseTo(std, 10);
    });
  });

  it('refuses the date column as a 1461-level category unless it is ignored', async () => {
    const err = await prepareCsv(fileStream(path)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe('INVALID_VALUE');
    expect((err as DataError).column).toBe('date');
  });
});
