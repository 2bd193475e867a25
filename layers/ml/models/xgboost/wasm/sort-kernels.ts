import { Code, type FunctionDef, I32, I64 } from '../../../wasm/encoder.ts';

/**
 * An LSD radix sort of float64 columns (column-sort.ts drives it): keys are the values' 64-bit patterns
 * mapped so that unsigned order is numeric order, sorted DIGIT_BITS bits per pass, each pass a stable
 * counting scatter of the keys and their row numbers.
 */
export const DIGIT_BITS = 11;
export const RADIX = 1 << DIGIT_BITS;
/** ⌈64 / DIGIT_BITS⌉ */
export const PASSES = 6;

export interface SortKernels {
  /**
   * keys[i] = sortable pattern of the f64 values[i], order[i] = i, and `counts` (PASSES × RADIX i32,
   * zeroed by the caller) += the number of keys with each digit, per pass.
   */
  radixKeys(values: number, keys: number, order: number, counts: number, n: number): void;
  /** Scatters keys/order to keysOut/orderOut by the digit at `shift`; `counts` holds the start of each digit. */
  radixPass(
    keys: number,
    order: number,
    keysOut: number,
    orderOut: number,
    counts: number,
    n: number,
    shift: number,
  ): void;
  /** out[k] = values[order[k]] (8-byte values copied bit for bit). */
  gatherValues(out: number, values: number, order: number, n: number): void;
}

/** Pushes `(digit of the i64 key at the given shift) · 4`, the byte offset of its count. */
function digitOffset(c: Code, key: number, shift: () => void): void {
  c.localGet(key);
  shift();
  c.i64ShrU()
    .i32WrapI64()
    .i32Const(RADIX - 1)
    .i32And()
    .i32Const(2)
    .i32Shl();
}

function radixKeys(): FunctionDef {
  const [values, keys, order, counts, n] = [0, 1, 2, 3, 4];
  const c = new Code(5);
  const i = c.local(I32);
  const key = c.local(I64);
  const slot = c.local(I32);
  c.block(() => {
    c.localGet(n).i32Eqz().brIf(0);
    c.loop(() => {
      // Negative: flip every bit (larger magnitude sorts lower). Otherwise: set the sign bit.
      c.localGet(values).i64Load().localTee(key);
      c.localGet(key).i64Const(63).i64ShrS().i64Const(-1).i64Const(63).i64Shl().i64Or();
      c.i64Xor().localSet(key);
      c.localGet(keys).localGet(key).i64Store();
      c.localGet(order).localGet(i).i32Store();
      for (let p = 0; p < PASSES; p++) {
        digitOffset(c, key, () => c.i64Const(p * DIGIT_BITS));
        c.localGet(counts).i32Add().localTee(slot);
        c.localGet(slot)
          .i32Load(p * RADIX * 4)
          .i32Const(1)
          .i32Add()
          .i32Store(p * RADIX * 4);
      }
      c.localGet(values).i32Const(8).i32Add().localSet(values);
      c.localGet(keys).i32Const(8).i32Add().localSet(keys);
      c.localGet(order).i32Const(4).i32Add().localSet(order);
      c.localGet(i).i32Const(1).i32Add().localTee(i).localGet(n).i32LtU().brIf(0);
    });
  });
  return { name: 'radixKeys', params: [I32, I32, I32, I32, I32], code: c };
}

function radixPass(): FunctionDef {
  const [keys, order, keysOut, orderOut, counts, n, shift] = [0, 1, 2, 3, 4, 5, 6];
  const c = new Code(7);
  const end = c.local(I32);
  const key = c.local(I64);
  const slot = c.local(I32);
  const to = c.local(I32);
  c.localGet(order).localGet(n).i32Const(2).i32Shl().i32Add().localSet(end);
  c.block(() => {
    c.localGet(order).localGet(end).i32GeU().brIf(0);
    c.loop(() => {
      c.localGet(keys).i64Load().localSet(key);
      digitOffset(c, key, () => c.localGet(shift).i64ExtendI32U());
      c.localGet(counts).i32Add().localTee(slot);
      c.localGet(slot).i32Load().localTee(to).i32Const(1).i32Add().i32Store();
      c.localGet(keysOut).localGet(to).i32Const(3).i32Shl().i32Add().localGet(key).i64Store();
      c.localGet(orderOut).localGet(to).i32Const(2).i32Shl().i32Add().localGet(order).i32Load().i32Store();
      c.localGet(keys).i32Const(8).i32Add().localSet(keys);
      c.localGet(order).i32Const(4).i32Add().localTee(order).localGet(end).i32LtU().brIf(0);
    });
  });
  return { name: 'radixPass', params: [I32, I32, I32, I32, I32, I32, I32], code: c };
}

function gatherValues(): FunctionDef {
  const [out, values, order, n] = [0, 1, 2, 3];
  const c = new Code(4);
  const end = c.local(I32);
  c.localGet(order).localGet(n).i32Const(2).i32Shl().i32Add().localSet(end);
  c.block(() => {
    c.localGet(order).localGet(end).i32GeU().brIf(0);
    c.loop(() => {
      c.localGet(out).localGet(values).localGet(order).i32Load().i32Const(3).i32Shl().i32Add().i64Load();
      c.i64Store();
      c.localGet(out).i32Const(8).i32Add().localSet(out);
      c.localGet(order).i32Const(4).i32Add().localTee(order).localGet(end).i32LtU().brIf(0);
    });
  });
  return { name: 'gatherValues', params: [I32, I32, I32, I32], code: c };
}

export function sortKernels(): FunctionDef[] {
  return [radixKeys(), radixPass(), gatherValues()];
}
