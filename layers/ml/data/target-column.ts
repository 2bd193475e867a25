/**
 * The target column while the CSV streams in: a dictionary code per row plus the distinct raw texts.
 * Unlike features there is no level limit (every class must be kept); a target with as many distinct
 * values as rows fails later on class sizes.
 */
import { DataError } from '../errors.ts';
import { isMissingCell, parseNumberCell } from './cell-values.ts';
import { GrowableInt32Array } from './growable.ts';
import { describeRow } from './messages.ts';

export class TargetColumn {
  private readonly codeStore = new GrowableInt32Array();
  private readonly codeOf = new Map<string, number>();
  /** Distinct raw texts, indexed by code. */
  readonly texts: string[] = [];

  constructor(readonly name: string) {}

  push(cell: string, row: number, line: number): void {
    let code = this.codeOf.get(cell);
    if (code === undefined) {
      if (isMissingCell(cell)) {
        throw new DataError(
          'MISSING_TARGET_VALUE',
          `${describeRow(row, line)}, column ${JSON.stringify(this.name)}: the target value is missing`,
          { row, column: this.name },
        );
      }
      code = this.texts.length;
      this.codeOf.set(cell, code);
      this.texts.push(cell);
    }
    this.codeStore.push(code);
  }

  codes(): Int32Array {
    return this.codeStore.view();
  }

  /** The numeric value of each distinct text, or undefined if any text is not a number. */
  numericValues(): Float64Array | undefined {
    const values = new Float64Array(this.texts.length);
    for (let k = 0; k < this.texts.length; k++) {
      values[k] = parseNumberCell(this.texts[k]);
      if (Number.isNaN(values[k])) return undefined;
    }
    return values;
  }
}
