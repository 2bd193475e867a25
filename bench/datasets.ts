/**
 * The small real CSVs the pipeline benchmarks run on: scikit-learn's copy of the Wisconsin breast-cancer
 * data (569 rows × 30 numeric features; from Debian's python3-sklearn) and vega-datasets' penguins
 * (344 rows; two categorical columns and missing cells, so imputation and one-hot run too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SKLEARN_BREAST_CANCER = '/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv';

export interface BenchData {
  readonly name: string;
  readonly csv: string;
  readonly target: string;
}

/** scikit-learn's file starts with "n_samples,n_features,class names…"; give it a real header. */
export function breastCancer(): BenchData {
  const [, ...rows] = readFileSync(SKLEARN_BREAST_CANCER, 'utf8').trim().split('\n');
  const header = [...Array.from({ length: 30 }, (_, j) => `f${String(j + 1).padStart(2, '0')}`), 'diagnosis'];
  const body = rows.map((row) => {
    const cells = row.split(',');
    cells[30] = cells[30] === '0' ? 'malignant' : 'benign';
    return cells.join(',');
  });
  return {
    name: 'breast-cancer (569×30)',
    csv: `${header.join(',')}\n${body.join('\n')}\n`,
    target: 'diagnosis',
  };
}

export function penguins(): BenchData {
  const path = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data', 'penguins.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as Array<Record<string, unknown>>;
  const columns = [
    'Island',
    'Beak Length (mm)',
    'Beak Depth (mm)',
    'Flipper Length (mm)',
    'Body Mass (g)',
    'Sex',
    'Species',
  ];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const body = records.map((r) => columns.map((c) => cell(r[c])).join(',')).join('\n');
  return {
    name: `penguins (${records.length}×6)`,
    csv: `${columns.map((c) => `"${c}"`).join(',')}\n${body}\n`,
    target: 'Species',
  };
}
