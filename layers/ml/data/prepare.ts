/**
 * CSV → validated table → imputed, one-hot encoded, scaled train/test matrices plus the Preprocessor
 * that repeats the same steps on serving records. The entry point of the CLI and of the "prep" step.
 */
import { computeBaseline } from '../drift/baseline.ts';
import type { Baseline, DriftColumn } from '../drift/types.ts';
import { ParamsError } from '../errors.ts';
import type { CsvSource } from './csv-records.ts';
import { type FittedEncoding, fitEncoding } from './encoding.ts';
import type { FeatureColumn } from './feature-column.ts';
import type { ColumnOverride } from './header.ts';
import { type ColumnKind, inferKind } from './infer-kind.ts';
import type { ClassLabel } from './labels.ts';
import type { LabelledMatrix } from './matrix.ts';
import { Preprocessor } from './preprocessor.ts';
import { readTable } from './read-table.ts';
import { applyScaler, fitScaler } from './scaler.ts';
import type { ColumnSchema } from './schema.ts';
import { trainTestSplit } from './split.ts';
import { checkClassSizes, countClasses, resolveClasses } from './target-classes.ts';

export type { ClassLabel } from './labels.ts';
export type { ColumnSchema } from './schema.ts';

export interface PrepareOptions {
  /** Target column name; default the last column. */
  target?: string;
  /** Fraction held out for the test split, in (0, 1); default 0.2. */
  testSize?: number;
  /** Split seed; default 42. */
  seed?: number;
  /** Keep class proportions in both splits; default true. */
  stratify?: boolean;
  /** Cross-validation folds the search will use: every class needs this many training rows. Default 5. */
  folds?: number;
  /** Force a column's kind, or leave it out. */
  columns?: Record<string, ColumnOverride>;
}

export interface PreparedData {
  target: string;
  classes: ClassLabel[];
  featureNames: string[];
  inputs: ColumnSchema[];
  preprocessor: Preprocessor;
  /** Already imputed, encoded and scaled. */
  train: LabelledMatrix;
  test: LabelledMatrix;
  /** 0-based data-record indices into the file (the header is not a record). */
  trainRows: Int32Array;
  testRows: Int32Array;
  /** What the monitor compares serving traffic with: the training split's raw columns and class shares. */
  baseline: Baseline;
  summary: {
    rows: number;
    columns: number;
    /** Missing cells per used column (ignored columns are not read). */
    missingCells: Record<string, number>;
    /** Rows per class over the whole file, keyed by the label's text. */
    classCounts: Record<string, number>;
  };
}

function checkOptions(
  options: PrepareOptions,
): Required<Pick<PrepareOptions, 'testSize' | 'seed' | 'folds'>> {
  const { testSize = 0.2, seed = 42, folds = 5 } = options;
  if (!(testSize > 0 && testSize < 1)) throw new ParamsError(`testSize must be in (0, 1), got ${testSize}`);
  if (!Number.isSafeInteger(seed)) throw new ParamsError(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(folds) || folds < 2)
    throw new ParamsError(`folds must be an integer ≥ 2, got ${folds}`);
  return { testSize, seed, folds };
}

function takeLabels(y: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = y[rows[r]];
  return out;
}

function buildMatrix(
  encodings: readonly FittedEncoding[],
  nFeatures: number,
  rows: Int32Array,
  y: Int32Array,
  nClasses: number,
): LabelledMatrix {
  const values = new Float64Array(rows.length * nFeatures);
  let first = 0;
  for (const encoding of encodings) {
    encoding.fill(rows, values, first);
    first += encoding.nFeatures;
  }
  return { nRows: rows.length, nFeatures, values, y: takeLabels(y, rows), nClasses };
}

/** A feature's raw (unimputed, unscaled) values on `rows`, as the kind inferKind decided. */
function driftColumn(column: FeatureColumn, kind: ColumnKind, rows: Int32Array): DriftColumn {
  if (kind === 'numeric') {
    const numbers = column.numbers();
    const values = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) values[r] = numbers[rows[r]];
    return { name: column.name, kind, values };
  }
  const all = column.codes();
  const codes = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) codes[r] = all[rows[r]];
  return { name: column.name, kind, codes, levels: column.levels };
}

export async function prepareCsv(source: CsvSource, options: PrepareOptions = {}): Promise<PreparedData> {
  const { testSize, seed, folds } = checkOptions(options);
  const table = await readTable(source, { target: options.target, columns: options.columns });
  const kinds = table.features.map(inferKind);
  const { classes, y } = resolveClasses(table.target);
  const targetName = table.target.name;
  const nClasses = classes.length;

  // A class smaller than the folds overall is too small in any split; saying so first gives the clearer count.
  const counts = countClasses(y, nClasses);
  checkClassSizes(counts, classes, folds, targetName, 'the whole file');
  const split = trainTestSplit(table.nRows, {
    testSize,
    seed,
    ...(options.stratify === false ? {} : { stratify: y, nClasses }),
  });
  checkClassSizes(countClasses(y, nClasses, split.train), classes, folds, targetName, 'the training split');

  const encodings = table.features.map((column, i) => fitEncoding(column, kinds[i], split.train));
  const nFeatures = encodings.reduce((sum, e) => sum + e.nFeatures, 0);
  const train = buildMatrix(encodings, nFeatures, split.train, y, nClasses);
  const test = buildMatrix(encodings, nFeatures, split.test, y, nClasses);
  // Over the raw values (before imputation, encoding and scaling), as serving receives them.
  const baseline = computeBaseline({
    columns: table.features.map((column, i) => driftColumn(column, kinds[i], split.train)),
    targetLevels: classes.map(String),
    targetCodes: train.y,
    targetName,
  });
  const stats = fitScaler(train);
  applyScaler(train, stats);
  applyScaler(test, stats);

  let first = 0;
  const inputs = encodings.map(({ schema, nFeatures: width }): ColumnSchema => {
    const means = Array.from(stats.means.subarray(first, first + width));
    const scales = Array.from(stats.scales.subarray(first, first + width));
    first += width;
    return { ...schema, means, scales };
  });
  const preprocessor = new Preprocessor({ target: targetName, classes, inputs });

  const missingByName = new Map(table.features.map((column) => [column.name, column.missing]));
  missingByName.set(targetName, 0);
  const missingCells: Record<string, number> = {};
  for (const name of table.header) {
    const missing = missingByName.get(name);
    if (missing !== undefined) missingCells[name] = missing;
  }
  const classCounts: Record<string, number> = {};
  classes.forEach((label, k) => {
    classCounts[String(label)] = counts[k];
  });

  return {
    target: targetName,
    classes: [...classes],
    featureNames: [...preprocessor.featureNames],
    inputs: [...preprocessor.inputs],
    preprocessor,
    train,
    test,
    trainRows: split.train,
    testRows: split.test,
    baseline,
    summary: { rows: table.nRows, columns: table.header.length, missingCells, classCounts },
  };
}
