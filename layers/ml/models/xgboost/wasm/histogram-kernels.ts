import { Code, type FunctionDef, I32, V128 } from '../../../wasm/encoder.ts';

/**
 * The histogram sums as WebAssembly functions over one memory (see workspace.ts for the layout). All
 * arguments are byte addresses or counts. A histogram slot is a (gradient, hessian) pair of f64, 16 bytes,
 * so one update is one 128-bit load, one f64x2.add and one store; gradients are interleaved the same way.
 *
 * Every kernel adds in row order, so the sums are exactly those of a plain `hist[s] += g` loop over the
 * same rows; the "split" kernels send even positions to `hist` and odd ones to `other` (two independent
 * chains of additions, so a run of rows in the same bin does not wait on its own stores).
 */
export interface HistogramKernels {
  /** hist[bins[col + k]] += gh[k] for k < count: rows 0..count-1 in order, gradients in place. */
  addOrdered(hist: number, col: number, gh: number, count: number): void;
  /** addOrdered with even k into `hist` and odd k into `other`. */
  addOrderedSplit(hist: number, other: number, col: number, gh: number, count: number): void;
  /** hist[bins[col + rows[k]]] += gh[k] for k < count, `rows` i32, `gh` gathered in the order of rows. */
  addRows(hist: number, col: number, gh: number, rows: number, count: number): void;
  /** addRows with even k into `hist` and odd k into `other`. */
  addRowsSplit(hist: number, other: number, col: number, gh: number, rows: number, count: number): void;
  /** result = Σ gh[rows[k]] for k < count, each lane summed in row order (16 bytes at `result`). */
  sumRows(gh: number, rows: number, count: number, result: number): void;
  /** out[k] = gh[rows[k]] for k < count (16-byte pairs). */
  gather(out: number, gh: number, rows: number, count: number): void;
  /** dst[i] += src[i] over `bytes` bytes of f64 pairs. */
  addInto(dst: number, src: number, bytes: number): void;
  /** dst[i] −= src[i] over `bytes` bytes of f64 pairs. */
  subtractFrom(dst: number, src: number, bytes: number): void;
}

const PAIR = 16;

/** Emits `*(hist + bin·16) += *(gh + ghOffset)` with the bin already on the stack. */
function addPairAtBin(c: Code, hist: number, gh: number, ghOffset: number, slot: number): void {
  c.i32Const(4).i32Shl().localGet(hist).i32Add().localTee(slot);
  c.localGet(slot).v128Load().localGet(gh).v128Load(ghOffset).f64x2Add().v128Store();
}

/** Emits `while (cursor < end) { body; cursor += step }`, skipping the loop when cursor ≥ end. */
function forward(c: Code, cursor: number, end: number, step: number, body: () => void): void {
  c.block(() => {
    c.localGet(cursor).localGet(end).i32GeU().brIf(0);
    c.loop(() => {
      body();
      c.localGet(cursor).i32Const(step).i32Add().localTee(cursor).localGet(end).i32LtU().brIf(0);
    });
  });
}

function advance(c: Code, pointer: number, bytes: number): void {
  c.localGet(pointer).i32Const(bytes).i32Add().localSet(pointer);
}

function addOrdered(): FunctionDef {
  const [hist, col, gh, count] = [0, 1, 2, 3];
  const c = new Code(4);
  const end = c.local(I32);
  const slot = c.local(I32);
  c.localGet(col).localGet(count).i32Add().localSet(end);
  forward(c, col, end, 1, () => {
    c.localGet(col).i32Load8U();
    addPairAtBin(c, hist, gh, 0, slot);
    advance(c, gh, PAIR);
  });
  return { name: 'addOrdered', params: [I32, I32, I32, I32], code: c };
}

function addOrderedSplit(): FunctionDef {
  const [hist, other, col, gh, count] = [0, 1, 2, 3, 4];
  const c = new Code(5);
  const end = c.local(I32);
  const slot = c.local(I32);
  // end of the pairs: col + (count rounded down to even)
  c.localGet(col).localGet(count).i32Const(-2).i32And().i32Add().localSet(end);
  forward(c, col, end, 2, () => {
    c.localGet(col).i32Load8U();
    addPairAtBin(c, hist, gh, 0, slot);
    c.localGet(col).i32Load8U(1);
    addPairAtBin(c, other, gh, PAIR, slot);
    advance(c, gh, 2 * PAIR);
  });
  c.localGet(count).i32Const(1).i32And();
  c.if(() => {
    c.localGet(col).i32Load8U();
    addPairAtBin(c, hist, gh, 0, slot);
  });
  return { name: 'addOrderedSplit', params: [I32, I32, I32, I32, I32], code: c };
}

function addRows(): FunctionDef {
  const [hist, col, gh, rows, count] = [0, 1, 2, 3, 4];
  const c = new Code(5);
  const end = c.local(I32);
  const slot = c.local(I32);
  c.localGet(rows).localGet(count).i32Const(2).i32Shl().i32Add().localSet(end);
  forward(c, rows, end, 4, () => {
    c.localGet(rows).i32Load().localGet(col).i32Add().i32Load8U();
    addPairAtBin(c, hist, gh, 0, slot);
    advance(c, gh, PAIR);
  });
  return { name: 'addRows', params: [I32, I32, I32, I32, I32], code: c };
}

function addRowsSplit(): FunctionDef {
  const [hist, other, col, gh, rows, count] = [0, 1, 2, 3, 4, 5];
  const c = new Code(6);
  const end = c.local(I32);
  const slot = c.local(I32);
  // end of the pairs: rows + 4·(count rounded down to even)
  c.localGet(rows).localGet(count).i32Const(-2).i32And().i32Const(2).i32Shl().i32Add().localSet(end);
  forward(c, rows, end, 8, () => {
    c.localGet(rows).i32Load().localGet(col).i32Add().i32Load8U();
    addPairAtBin(c, hist, gh, 0, slot);
    c.localGet(rows).i32Load(4).localGet(col).i32Add().i32Load8U();
    addPairAtBin(c, other, gh, PAIR, slot);
    advance(c, gh, 2 * PAIR);
  });
  c.localGet(count).i32Const(1).i32And();
  c.if(() => {
    c.localGet(rows).i32Load().localGet(col).i32Add().i32Load8U();
    addPairAtBin(c, hist, gh, 0, slot);
  });
  return { name: 'addRowsSplit', params: [I32, I32, I32, I32, I32, I32], code: c };
}

function gather(): FunctionDef {
  const [out, gh, rows, count] = [0, 1, 2, 3];
  const c = new Code(4);
  const end = c.local(I32);
  c.localGet(rows).localGet(count).i32Const(2).i32Shl().i32Add().localSet(end);
  forward(c, rows, end, 4, () => {
    c.localGet(out);
    c.localGet(rows).i32Load().i32Const(4).i32Shl().localGet(gh).i32Add().v128Load();
    c.v128Store();
    advance(c, out, PAIR);
  });
  return { name: 'gather', params: [I32, I32, I32, I32], code: c };
}

function sumRows(): FunctionDef {
  const [gh, rows, count, result] = [0, 1, 2, 3];
  const c = new Code(4);
  const end = c.local(I32);
  const sum = c.local(V128);
  c.v128Zero().localSet(sum);
  c.localGet(rows).localGet(count).i32Const(2).i32Shl().i32Add().localSet(end);
  forward(c, rows, end, 4, () => {
    c.localGet(sum);
    c.localGet(rows).i32Load().i32Const(4).i32Shl().localGet(gh).i32Add().v128Load();
    c.f64x2Add().localSet(sum);
  });
  c.localGet(result).localGet(sum).v128Store();
  return { name: 'sumRows', params: [I32, I32, I32, I32], code: c };
}

function elementwise(name: string, emitOp: (c: Code) => void): FunctionDef {
  const [dst, src, bytes] = [0, 1, 2];
  const c = new Code(3);
  const end = c.local(I32);
  c.localGet(dst).localGet(bytes).i32Add().localSet(end);
  forward(c, dst, end, PAIR, () => {
    c.localGet(dst).localGet(dst).v128Load().localGet(src).v128Load();
    emitOp(c);
    c.v128Store();
    advance(c, src, PAIR);
  });
  return { name, params: [I32, I32, I32], code: c };
}

export function histogramKernels(): FunctionDef[] {
  return [
    addOrdered(),
    addOrderedSplit(),
    addRows(),
    addRowsSplit(),
    sumRows(),
    gather(),
    elementwise('addInto', (c) => c.f64x2Add()),
    elementwise('subtractFrom', (c) => c.f64x2Sub()),
  ];
}
