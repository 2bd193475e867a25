import { ParamsError } from '../errors.ts';
import { Random } from '../random.ts';
import { classMembers, identity } from './split.ts';

/** One cross-validation fold: row indices, each array sorted ascending (file order). */
export interface Fold {
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

export interface FoldOptions {
  /** Shuffle before assigning folds (default false, as scikit-learn). */
  readonly shuffle?: boolean;
  readonly seed?: number;
}

function checkK(k: number, nRows: number, who: string): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new ParamsError(`${who}: k must be an integer ≥ 2, got ${k}`, { k });
  }
  if (k > nRows) {
    throw new ParamsError(`${who}: k=${k} is greater than the number of rows (${nRows})`, { k, nRows });
  }
}

/** Folds from a per-row fold number; train and validation come out ascending by construction. */
function foldsFromAssignment(assignment: Int32Array, k: number): Fold[] {
  const sizes = new Int32Array(k);
  for (let i = 0; i < assignment.length; i++) sizes[assignment[i]]++;
  const n = assignment.length;
  const validations = Array.from(sizes, (size) => new Int32Array(size));
  const trains = Array.from(sizes, (size) => new Int32Array(n - size));
  const v = new Int32Array(k);
  const t = new Int32Array(k);
  // One pass over the rows keeps every array ascending.
  for (let i = 0; i < n; i++) {
    const own = assignment[i];
    validations[own][v[own]++] = i;
    for (let f = 0; f < k; f++) if (f !== own) trains[f][t[f]++] = i;
  }
  return validations.map((validation, f) => ({ train: trains[f], validation }));
}

/**
 * scikit-learn's KFold: consecutive blocks (of a shuffled order when `shuffle`), the first n % k folds
 * one row larger. Without shuffle the folds equal scikit-learn's exactly.
 */
export function kFold(nRows: number, k: number, opts: FoldOptions = {}): Fold[] {
  if (!Number.isInteger(nRows) || nRows < 0) {
    throw new ParamsError(`kFold: nRows must be a non-negative integer, got ${nRows}`, { nRows });
  }
  checkK(k, nRows, 'kFold');
  const order = identity(nRows);
  if (opts.shuffle) new Random(opts.seed ?? 42).shuffle(order);
  const assignment = new Int32Array(nRows);
  const base = Math.floor(nRows / k);
  const extra = nRows % k;
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let r = 0; r < size; r++) assignment[order[pos++]] = f;
  }
  return foldsFromAssignment(assignment, k);
}

/**
 * scikit-learn (≥ 0.24) StratifiedKFold: classes are taken in order of first appearance, sorted labels
 * are dealt round-robin to find how many rows of each class each fold gets (so fold counts of a class
 * differ by at most one), then each class's rows receive their fold numbers in blocks — shuffled per
 * class when `shuffle`. Without shuffle the folds equal scikit-learn's exactly; with shuffle the
 * per-fold class counts are the same but the rows differ (our Random, not numpy's).
 *
 * Unlike scikit-learn, which only warns, every class present must have at least k rows. Classes with
 * no rows at all (declared by nClasses but absent) are ignored.
 */
export function stratifiedKFold(y: Int32Array, nClasses: number, k: number, opts: FoldOptions = {}): Fold[] {
  const n = y.length;
  checkK(k, n, 'stratifiedKFold');
  const members = classMembers(y, nClasses, 'stratifiedKFold');
  const byAppearance = members.filter((m) => m.length > 0).sort((a, b) => a[0] - b[0]);
  for (const rows of byAppearance) {
    if (rows.length < k) {
      const cls = y[rows[0]];
      throw new ParamsError(
        `stratifiedKFold: class ${cls} has ${rows.length} row${rows.length === 1 ? '' : 's'}, fewer than k=${k} folds`,
        { class: cls, count: rows.length, k },
      );
    }
  }
  const rng = new Random(opts.seed ?? 42);
  const assignment = new Int32Array(n);
  // Round-robin over the labels sorted by appearance rank: position p of that order goes to fold p % k.
  let start = 0;
  for (const rows of byAppearance) {
    const perFold = new Int32Array(k);
    for (let p = start; p < start + rows.length; p++) perFold[p % k]++;
    start += rows.length;
    const foldsForClass = new Int32Array(rows.length);
    let r = 0;
    for (let f = 0; f < k; f++) for (let c = 0; c < perFold[f]; c++) foldsForClass[r++] = f;
    if (opts.shuffle) rng.shuffle(foldsForClass);
    for (let i = 0; i < rows.length; i++) assignment[rows[i]] = foldsForClass[i];
  }
  return foldsFromAssignment(assignment, k);
}
