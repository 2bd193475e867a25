import { Code, type FunctionDef, I32 } from '../../../wasm/encoder.ts';

export interface PartitionKernel {
  /**
   * Stable partition of the `count` i32 row indices at `rows` by `bins[col + row] ≤ splitBin`: rows going
   * left are compacted in place from `rows` on, rows going right are written from `scratch` on (which
   * must not overlap). Returns the number going left.
   */
  partitionRows(rows: number, count: number, scratch: number, col: number, splitBin: number): number;
}

export function partitionKernel(): FunctionDef {
  const [rows, count, scratch, col, splitBin] = [0, 1, 2, 3, 4];
  const c = new Code(5);
  const read = c.local(I32);
  const end = c.local(I32);
  const left = c.local(I32);
  const row = c.local(I32);
  const right = c.local(I32);
  c.localGet(rows).localTee(read).localTee(left);
  c.localGet(count).i32Const(2).i32Shl().i32Add().localSet(end);
  c.block(() => {
    c.localGet(read).localGet(end).i32GeU().brIf(0);
    c.loop(() => {
      // Branch-free (which side a row goes is a coin flip to a branch predictor): write the row to both
      // sides and advance only the side it belongs to. right = 1 iff splitBin − bin < 0.
      c.localGet(read).i32Load().localSet(row);
      c.localGet(splitBin).localGet(col).localGet(row).i32Add().i32Load8U().i32Sub();
      c.i32Const(31).i32ShrU().localSet(right);
      c.localGet(left).localGet(row).i32Store();
      c.localGet(scratch).localGet(row).i32Store();
      c.localGet(left).localGet(right).i32Const(1).i32Xor().i32Const(2).i32Shl().i32Add().localSet(left);
      c.localGet(scratch).localGet(right).i32Const(2).i32Shl().i32Add().localSet(scratch);
      c.localGet(read).i32Const(4).i32Add().localTee(read).localGet(end).i32LtU().brIf(0);
    });
  });
  c.localGet(left).localGet(rows).i32Sub().i32Const(2).i32ShrU();
  return { name: 'partitionRows', params: [I32, I32, I32, I32, I32], results: [I32], code: c };
}
