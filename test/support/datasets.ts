/**
 * Real data shipped in npm packages (vega-datasets), turned into ready numeric train/test matrices with a
 * fixed, simple recipe that does not depend on the production data layer: the model tests measure the
 * models, not the CSV pipeline. `test/reference/export.ts` writes the same matrices to CSV so the
 * scikit-learn figures in the tests are computed on exactly the same numbers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LabelledMatrix } from '../../layers/ml/data/matrix.ts';
import { Random } from '../../layers/ml/random.ts';

const dataDir = fileURLToPath(new URL('../../node_modules/vega-datasets/data/', import.meta.url));

export interface ReferenceSplit {
  readonly name: string;
  readonly featureNames: readonly string[];
  readonly classes: readonly string[];
  readonly train: LabelledMatrix;
  readonly test: LabelledMatrix;
}

type Row = Record<string, unknown>;

function readJson(file: string): Row[] {
  return JSON.parse(readFileSync(`${dataDir}${file}`, 'utf8')) as Row[];
}

function readSimpleCsv(file: string): Row[] {
  const [head, ...lines] = readFileSync(`${dataDir}${file}`, 'utf8').trim().split(/\r?\n/);
  const cols = head.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const row: Row = {};
    cols.forEach((c, j) => {
      const v = cells[j];
      row[c] = v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
    });
    return row;
  });
}

/** Stratified 80/20 split (seeded shuffle within each class), then z-scoring with the train statistics. */
function build(name: string, rows: Row[], features: string[], target: string, seed = 42): ReferenceSplit {
  const complete = rows.filter(
    (r) => features.every((f) => typeof r[f] === 'number' && Number.isFinite(r[f])) && r[target] != null,
  );
  const classes = [...new Set(complete.map((r) => String(r[target])))].sort();
  const yAll = complete.map((r) => classes.indexOf(String(r[target])));
  const rng = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < classes.length; c++) {
    const members = yAll.flatMap((y, i) => (y === c ? [i] : []));
    rng.shuffle(members);
    const nTest = Math.round(members.length * 0.2);
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  const d = features.length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  features.forEach((f, j) => {
    const v = train.map((i) => complete[i][f] as number);
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
    mean[j] = m;
    std[j] = sd === 0 ? 1 : sd;
  });
  const toMatrix = (idx: number[]): LabelledMatrix => {
    const n = idx.length;
    const values = new Float64Array(n * d);
    const y = new Int32Array(n);
    idx.forEach((row, i) => {
      y[i] = yAll[row];
      features.forEach((f, j) => {
        values[j * n + i] = ((complete[row][f] as number) - mean[j]) / std[j];
      });
    });
    return { nRows: n, nFeatures: d, values, y, nClasses: classes.length };
  };
  return { name, featureNames: features, classes, train: toMatrix(train), test: toMatrix(test) };
}

/** 342 penguins, 4 numeric features, 3 species: an easy, well-separated problem. */
export function penguins(): ReferenceSplit {
  return build(
    'penguins',
    readJson('penguins.json'),
    ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'],
    'Species',
  );
}

/** 1,461 days of Seattle weather, 4 numeric features, 5 imbalanced classes: a hard, noisy problem. */
export function seattleWeather(): ReferenceSplit {
  return build(
    'seattle-weather',
    readSimpleCsv('seattle-weather.csv'),
    ['precipitation', 'temp_max', 'temp_min', 'wind'],
    'weather',
  );
}

/** 392 cars, 6 numeric features, 3 origins: a moderate problem. */
export function cars(): ReferenceSplit {
  return build(
    'cars',
    readJson('cars.json'),
    ['Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'],
    'Origin',
  );
}

export const referenceSplits = { penguins, 'seattle-weather': seattleWeather, cars } as const;
