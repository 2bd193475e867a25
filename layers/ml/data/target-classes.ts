/** Turns the target column into class indices and checks there are enough classes and rows per class. */
import { DataError } from '../errors.ts';
import { type ClassLabel, formatLabel, sortClasses } from './labels.ts';
import type { TargetColumn } from './target-column.ts';

export interface TargetClasses {
  /** Sorted as np.unique; numbers when every target value is numeric, else the texts. */
  readonly classes: ClassLabel[];
  /** Class index per data row. */
  readonly y: Int32Array;
}

export function resolveClasses(target: TargetColumn): TargetClasses {
  const numeric = target.numericValues();
  // Texts that read as the same number ("1" and "1.0") are one class, as they are for pandas.
  const labelOfText: ClassLabel[] = numeric ? Array.from(numeric) : target.texts;
  const classes = sortClasses([...new Set(labelOfText)]);
  if (classes.length < 2) {
    const only = classes.length === 1 ? ` (${formatLabel(classes[0])})` : '';
    throw new DataError(
      'TOO_FEW_CLASSES',
      `column ${JSON.stringify(target.name)} has a single class${only}; classification needs at least two`,
      { column: target.name },
    );
  }
  const indexOf = new Map<ClassLabel, number>(classes.map((c, k) => [c, k]));
  const classOfCode = Int32Array.from(labelOfText, (label) => indexOf.get(label) ?? -1);
  const codes = target.codes();
  const y = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) y[i] = classOfCode[codes[i]];
  return { classes, y };
}

/** Rows per class among `rows` (all rows when omitted). */
export function countClasses(y: Int32Array, nClasses: number, rows?: Int32Array): Int32Array {
  const counts = new Int32Array(nClasses);
  if (rows === undefined) for (let i = 0; i < y.length; i++) counts[y[i]]++;
  else for (let r = 0; r < rows.length; r++) counts[y[rows[r]]]++;
  return counts;
}

/**
 * Stratified k-fold cross-validation needs every class in every fold, so each class must have at least
 * `folds` rows in the part the search trains on. `part` names that part in the message.
 */
export function checkClassSizes(
  counts: Int32Array,
  classes: readonly ClassLabel[],
  folds: number,
  targetName: string,
  part: 'the training split' | 'the whole file',
): void {
  for (let k = 0; k < classes.length; k++) {
    if (counts[k] < folds) {
      const rows = counts[k] === 1 ? '1 row' : `${counts[k]} rows`;
      throw new DataError(
        'CLASS_TOO_SMALL',
        `class ${formatLabel(classes[k])} of column ${JSON.stringify(targetName)} has ${rows} in ${part}, fewer than the ${folds} cross-validation folds`,
        { column: targetName },
      );
    }
  }
}
