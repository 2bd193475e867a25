import { ParamsError } from '../errors.ts';
import { Random } from '../random.ts';

export interface SplitOptions {
  /** Fraction of rows held out, in (0, 1). Default 0.2. */
  readonly testSize?: number;
  readonly seed?: number;
  /** Class index per row; when given, both parts keep the class proportions. */
  readonly stratify?: Int32Array;
  /** Number of classes in `stratify`; default max(stratify) + 1. */
  readonly nClasses?: number;
}

export interface TrainTestIndices {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * Row indices for a hold-out split, as scikit-learn's train_test_split: n_test = ceil(testSize · n)
 * (test is rounded up), the rest is train. With `stratify`, per-class counts follow
 * StratifiedShuffleSplit's allocation (largest remainders, ties broken at random); the random draws
 * come from our seeded Random, so the chosen rows differ from scikit-learn's.
 *
 * Both index arrays are sorted ascending so matrices taken with them keep the file's row order.
 */
export function trainTestSplit(nRows: number, opts: SplitOptions = {}): TrainTestIndices {
  const testSize = opts.testSize ?? 0.2;
  const rng = new Random(opts.seed ?? 42);
  if (!Number.isInteger(nRows) || nRows < 2) {
    throw new ParamsError(`trainTestSplit: nRows must be an integer ≥ 2, got ${nRows}`, { nRows });
  }
  if (!(testSize > 0 && testSize < 1)) {
    throw new ParamsError(`trainTestSplit: testSize must be in (0, 1), got ${testSize}`, { testSize });
  }
  // Same float expression as scikit-learn, so n_test agrees even where testSize · n is inexact.
  const nTest = Math.ceil(testSize * nRows);
  const nTrain = nRows - nTest;
  if (nTrain === 0) {
    throw new ParamsError(
      `trainTestSplit: with ${nRows} rows and testSize=${testSize} the train set would be empty`,
      { nRows, testSize },
    );
  }
  const isTest = new Uint8Array(nRows);
  if (opts.stratify === undefined) {
    markRandomSubset(identity(nRows), nTest, rng, isTest);
  } else {
    markStratifiedTest(opts.stratify, opts.nClasses, nRows, nTrain, nTest, rng, isTest);
  }
  return splitByMask(isTest, nTest);
}

/** 0..n-1 (a plain loop: Int32Array.from with a map function is an order of magnitude slower). */
export function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Marks `count` rows of `rows` chosen uniformly at random (partial Fisher–Yates; shuffles `rows` in place). */
function markRandomSubset(rows: Int32Array, count: number, rng: Random, mark: Uint8Array): void {
  const n = rows.length;
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    const t = rows[i];
    rows[i] = rows[j];
    rows[j] = t;
    mark[rows[i]] = 1;
  }
}

/** Ascending train (unmarked) and test (marked) rows without sorting. */
function splitByMask(isTest: Uint8Array, nTest: number): TrainTestIndices {
  const n = isTest.length;
  const test = new Int32Array(nTest);
  const train = new Int32Array(n - nTest);
  let t = 0;
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i] === 1) test[t++] = i;
    else train[r++] = i;
  }
  return { train, test };
}

function markStratifiedTest(
  y: Int32Array,
  nClassesOpt: number | undefined,
  nRows: number,
  nTrain: number,
  nTest: number,
  rng: Random,
  isTest: Uint8Array,
): void {
  if (y.length !== nRows) {
    throw new ParamsError(`trainTestSplit: stratify has ${y.length} labels for ${nRows} rows`, {
      nRows,
      labels: y.length,
    });
  }
  // Classes absent from y do not take part (scikit-learn only sees the labels present).
  const present = classMembers(y, nClassesOpt, 'trainTestSplit').filter((m) => m.length > 0);
  for (const rows of present) {
    if (rows.length < 2) {
      const cls = y[rows[0]];
      throw new ParamsError(
        `trainTestSplit: class ${cls} has only 1 row; stratifying needs at least 2 per class`,
        { class: cls },
      );
    }
  }
  if (nTrain < present.length || nTest < present.length) {
    throw new ParamsError(
      `trainTestSplit: train (${nTrain}) and test (${nTest}) sizes must each be at least the number of classes (${present.length})`,
      { nTrain, nTest, nClasses: present.length },
    );
  }
  // As StratifiedShuffleSplit: train counts first, the test gets the rest of each class.
  const trainPerClass = approximateMode(
    present.map((m) => m.length),
    nTrain,
    rng,
  );
  present.forEach((rows, c) => {
    markRandomSubset(rows, rows.length - trainPerClass[c], rng, isTest);
  });
}

/** Rows of each class 0..nClasses-1, ascending (a counting sort). Validates the labels. */
export function classMembers(y: Int32Array, nClassesOpt: number | undefined, who: string): Int32Array[] {
  let max = -1;
  for (let i = 0; i < y.length; i++) if (y[i] > max) max = y[i];
  const nClasses = nClassesOpt ?? max + 1;
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (c < 0 || c >= nClasses) {
      throw new ParamsError(`${who}: label ${c} at row ${i} is outside 0..${nClasses - 1}`, {
        row: i,
        label: c,
      });
    }
    counts[c]++;
  }
  const members = Array.from(counts, (count) => new Int32Array(count));
  const filled = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) members[y[i]][filled[y[i]]++] = i;
  return members;
}

/**
 * scikit-learn's _approximate_mode: split `nDraws` across classes in proportion to `counts`, flooring,
 * then hand the leftover draws to the largest remainders (ties chosen at random).
 */
export function approximateMode(counts: readonly number[], nDraws: number, rng: Random): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  const continuous = counts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let needToAdd = nDraws - floored.reduce((s, c) => s + c, 0);
  if (needToAdd <= 0) return floored;
  const remainder = continuous.map((v, i) => v - floored[i]);
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const value of values) {
    const inds = Int32Array.from(remainder.flatMap((r, i) => (r === value ? [i] : [])));
    const addNow = Math.min(inds.length, needToAdd);
    rng.shuffle(inds);
    for (let t = 0; t < addNow; t++) floored[inds[t]] += 1;
    needToAdd -= addNow;
    if (needToAdd === 0) break;
  }
  return floored;
}
