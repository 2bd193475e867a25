import { Code, F64, type FunctionDef, I32 } from '../../../wasm/encoder.ts';

/** Leaf outputs added to the training rows' margins (f64, one per row) as a tree is finished. */
export interface MarginKernels {
  /** margin[rows[k]] += value for k < count. */
  addToRows(margin: number, rows: number, count: number, value: number): void;
  /** margin[r] += bins[col + r] ≤ splitBin ? leftValue : rightValue for r = rows[k], k < count. */
  addSplitLeaves(
    margin: number,
    rows: number,
    count: number,
    col: number,
    splitBin: number,
    leftValue: number,
    rightValue: number,
  ): void;
}

/** Emits `for (row of rows[0..count)) { margin[row] += <value> }`, the value pushed by `emitValue(row)`. */
function eachRowMargin(
  c: Code,
  margin: number,
  rows: number,
  count: number,
  emitValue: (row: number) => void,
) {
  const end = c.local(I32);
  const row = c.local(I32);
  const slot = c.local(I32);
  c.localGet(rows).localGet(count).i32Const(2).i32Shl().i32Add().localSet(end);
  c.block(() => {
    c.localGet(rows).localGet(end).i32GeU().brIf(0);
    c.loop(() => {
      c.localGet(rows).i32Load().localSet(row);
      c.localGet(margin).localGet(row).i32Const(3).i32Shl().i32Add().localTee(slot);
      c.localGet(slot).f64Load();
      emitValue(row);
      c.f64Add().f64Store();
      c.localGet(rows).i32Const(4).i32Add().localTee(rows).localGet(end).i32LtU().brIf(0);
    });
  });
}

function addToRows(): FunctionDef {
  const [margin, rows, count, value] = [0, 1, 2, 3];
  const c = new Code(4);
  eachRowMargin(c, margin, rows, count, () => c.localGet(value));
  return { name: 'addToRows', params: [I32, I32, I32, F64], code: c };
}

function addSplitLeaves(): FunctionDef {
  const [margin, rows, count, col, splitBin, leftValue, rightValue] = [0, 1, 2, 3, 4, 5, 6];
  const c = new Code(7);
  eachRowMargin(c, margin, rows, count, (row) => {
    c.localGet(leftValue).localGet(rightValue);
    c.localGet(col).localGet(row).i32Add().i32Load8U().localGet(splitBin).i32LeU();
    c.select();
  });
  return { name: 'addSplitLeaves', params: [I32, I32, I32, I32, I32, F64, F64], code: c };
}

export function marginKernels(): FunctionDef[] {
  return [addToRows(), addSplitLeaves()];
}
