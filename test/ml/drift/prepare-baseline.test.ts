import { describe, expect, it } from 'vitest';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { QUANTILE_POINTS } from '../../../layers/ml/drift/quantiles.ts';

const labels = Array.from({ length: 20 }, (_, r) => (r % 2 === 0 ? 'yes' : 'no'));

function csv(x: string[], colour: string[]): string {
  const lines = ['id,x,colour,label'];
  for (let r = 0; r < 20; r++) lines.push(`row${r},${x[r]},${colour[r]},${labels[r]}`);
  return `${lines.join('\n')}\n`;
}

describe('prepareCsv’s baseline', () => {
  it('describes the training split’s raw values and labels, as inferKind typed them, without ignored columns', async () => {
    // The split depends only on the labels: find it once, then write values that tell the rows apart.
    const { trainRows, testRows } = await prepareCsv(csv(new Array(20).fill('1'), new Array(20).fill('a')), {
      folds: 2,
    });
    expect(trainRows).toHaveLength(16);
    const x = new Array<string>(20);
    const colour = new Array<string>(20);
    // Training rows: x = 1…16 in order; colour 8 × red, 6 × blue, 2 missing. Test rows: x = 1000, green.
    trainRows.forEach((row, k) => {
      x[row] = String(k + 1);
      colour[row] = k < 8 ? 'red' : k < 14 ? 'blue' : 'NA';
    });
    for (const row of testRows) {
      x[row] = '1000';
      colour[row] = 'green';
    }
    const data = await prepareCsv(csv(x, colour), { folds: 2, columns: { id: 'ignore' } });
    expect(Array.from(data.trainRows)).toEqual(Array.from(trainRows));
    const { baseline } = data;
    expect(baseline.rows).toBe(16);
    expect(baseline.features.map((f) => [f.name, f.kind])).toEqual([
      ['x', 'numeric'],
      ['colour', 'categorical'],
    ]);
    const [xBaseline, colourBaseline] = baseline.features;
    if (xBaseline.kind !== 'numeric') throw new Error('expected numeric');
    // 1…16: mean 8.5, population variance (16² − 1)/12 = 21.25; type 7 gives q(p) = 1 + 15p.
    expect(xBaseline).toMatchObject({ count: 16, missing: 0, min: 1, max: 16, mean: 8.5, integral: true });
    expect(xBaseline.std).toBeCloseTo(Math.sqrt(21.25), 12);
    expect(xBaseline.quantiles).toHaveLength(QUANTILE_POINTS);
    expect(xBaseline.quantiles[500]).toBe(8.5);
    expect(xBaseline.quantiles[250]).toBe(4.75);
    expect(xBaseline.quantiles[100]).toBe(2.5);
    // Deciles 2.5, 4, 5.5, …, 14.5: bins (−∞, 2.5] = {1, 2}, (2.5, 4] = {3, 4}, (4, 5.5] = {5}, …
    expect(xBaseline.binEdges).toEqual([2.5, 4, 5.5, 7, 8.5, 10, 11.5, 13, 14.5]);
    expect(xBaseline.binFractions).toEqual([2, 2, 1, 2, 1, 2, 1, 2, 1, 2].map((c) => c / 16));
    expect(colourBaseline).toEqual({
      name: 'colour',
      kind: 'categorical',
      count: 14,
      missing: 2,
      levels: { blue: 6 / 14, red: 8 / 14 },
    });
    // Stratified: 8 of each class in the 16 training rows.
    expect(baseline.target).toEqual({
      name: 'label',
      kind: 'categorical',
      count: 16,
      missing: 0,
      levels: { no: 0.5, yes: 0.5 },
    });
  });

  it('keys numeric classes by their text, as summary.classCounts does', async () => {
    const lines = ['x,y'];
    for (let r = 0; r < 12; r++) lines.push(`${r},${r % 3 === 0 ? '1.0' : '2'}`);
    const data = await prepareCsv(`${lines.join('\n')}\n`, { folds: 2 });
    expect(Object.keys(data.baseline.target.levels).sort()).toEqual(
      Object.keys(data.summary.classCounts).sort(),
    );
    expect(Object.keys(data.baseline.target.levels).sort()).toEqual(['1', '2']);
  });
});
