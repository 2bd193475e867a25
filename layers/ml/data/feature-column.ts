/**
 * One feature column while the CSV streams in, stored compactly: numbers in a Float64Array (NaN for
 * missing or non-numeric cells) and, while the column might still turn out categorical, dictionary codes
 * in an Int32Array with the distinct texts listed once. Which of the two survives is decided by
 * inferKind once the file is read.
 */
import { isMissingCell, parseNumberCell } from './cell-values.ts';
import { GrowableFloat64Array, GrowableInt32Array } from './growable.ts';

/** Declared kind from the `columns` option; undefined means "infer from the values". */
export type DeclaredKind = 'numeric' | 'categorical' | undefined;

/**
 * Most distinct values a categorical column may have. One-hot encoding makes one feature per level, so
 * a free-text or ID column would otherwise explode the matrix; past this a column is refused (unless it
 * turns out numeric) and the dictionary is dropped to save memory.
 */
export const MAX_CATEGORICAL_LEVELS = 1000;

/** Code for a missing cell in `codes`. */
export const MISSING_CODE = -1;

export interface CellAt {
  readonly row: number;
  readonly line: number;
  readonly value: string;
}

export class FeatureColumn {
  private readonly numberStore: GrowableFloat64Array | null;
  /** Codes and the text → code map, while the column may still be categorical; null once dropped. */
  private dictionary: { readonly codes: GrowableInt32Array; readonly codeOf: Map<string, number> } | null;
  /** Distinct non-missing texts, indexed by code (empty once the dictionary is dropped). */
  readonly levels: string[] = [];
  missing = 0;
  numeric = 0;
  nonNumeric = 0;
  firstNonNumeric: CellAt | null = null;
  /** More than MAX_CATEGORICAL_LEVELS distinct texts were seen; the codes are gone. */
  tooManyLevels = false;

  constructor(
    readonly name: string,
    readonly declared: DeclaredKind,
  ) {
    this.numberStore = declared === 'categorical' ? null : new GrowableFloat64Array();
    this.dictionary = declared === 'numeric' ? null : { codes: new GrowableInt32Array(), codeOf: new Map() };
  }

  push(cell: string, row: number, line: number): void {
    // Numbers first: no NA string reads as a number, and most cells of most files are numbers.
    const x = this.numberStore === null || cell.length === 0 ? Number.NaN : parseNumberCell(cell);
    if (!Number.isNaN(x)) {
      this.numeric++;
      this.numberStore?.push(x);
    } else if (isMissingCell(cell)) {
      this.missing++;
      this.numberStore?.push(Number.NaN);
      this.dictionary?.codes.push(MISSING_CODE);
      return;
    } else if (this.numberStore !== null) {
      this.nonNumeric++;
      if (this.firstNonNumeric === null) this.firstNonNumeric = { row, line, value: cell };
      this.numberStore.push(Number.NaN);
    }
    if (this.dictionary !== null) this.pushCode(cell, this.dictionary.codes, this.dictionary.codeOf);
  }

  private pushCode(cell: string, codes: GrowableInt32Array, codeOf: Map<string, number>): void {
    let code = codeOf.get(cell);
    if (code === undefined) {
      code = this.levels.length;
      if (code === MAX_CATEGORICAL_LEVELS) {
        this.dropDictionary();
        return;
      }
      codeOf.set(cell, code);
      this.levels.push(cell);
    }
    codes.push(code);
  }

  private dropDictionary(): void {
    this.tooManyLevels = true;
    this.dictionary = null;
    this.levels.length = 0;
  }

  get nonMissing(): number {
    return this.numeric + this.nonNumeric;
  }

  /** Values per row, NaN where missing (or non-numeric, which inferKind turns into an error). */
  numbers(): Float64Array {
    if (this.numberStore === null)
      throw new Error(`column ${JSON.stringify(this.name)} was not stored as numbers`);
    return this.numberStore.view();
  }

  /** Dictionary code per row (index into `levels`), MISSING_CODE where missing. */
  codes(): Int32Array {
    if (this.dictionary === null)
      throw new Error(`column ${JSON.stringify(this.name)} was not stored as categories`);
    return this.dictionary.codes.view();
  }
}
