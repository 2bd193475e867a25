/**
 * The neighbour-search kernels as a WebAssembly module, generated for one feature count `d` and one `k`
 * (both become immediates: address offsets, strides and loop bounds).
 *
 * Memory layout they expect (byte offsets; see brute-force.ts, which owns the memory):
 * - training rows at 0, in groups of 4 rows, feature-interleaved: row `4g + r`, feature `j` at
 *   `(4g·d + 4j + r)·8`, so one v128 load gives one feature of 2 adjacent rows;
 * - `norms`: ‖b‖² per training row (+∞ for padding rows, so they never rank);
 * - queries in blocks of Q, feature-interleaved: query `Q·b + r`, feature `j` at `queries + (Q·b·d + Q·j + r)·8`;
 * - per query a top-k list: ranking keys (f64) at `keys + q·k·8`, training row ids (i32) at `ids + q·k·4`,
 *   ascending, the k-th (worst) key last;
 * - `scratch`: 16 f64 for one tile of keys on the rare path that inserts.
 *
 * A training row `t` ranks by ‖b‖² − 2·a·b (the squared distance minus the query's constant ‖a‖²). The
 * dot product is accumulated feature by feature, multiply then add, from zero: exactly the operations
 * of the scalar loop it replaced, so every key is bit-identical to it and the same rows survive (the
 * lanes only run different (query, row) pairs side by side). No FMA: it would round differently.
 *
 * `scanBlocks` (Q=4 queries × 4 rows per tile: 8 v128 accumulators + 2 row vectors + 1 splat, inside the 15
 * SIMD registers V8 allocates on x64) serves batches; `scanRow` (Q=1 × 8 rows, 4 accumulators) serves one
 * query, which the batch shape would compute four times.
 */
import { Code, encodeModule, F64, type FunctionDef, I32, V128 } from '../../../wasm/encoder.ts';

/** Training rows per layout group (the v128 pairs of one feature: 2 loads). */
export const GROUP_ROWS = 4;
/** Training row counts are padded to this (the row kernel walks 2 groups per tile). */
export const ROW_PADDING = 8;
/** Queries per block of the batch kernel. */
export const BLOCK_QUERIES = 4;
/** Scratch bytes: 16 f64 to spill one tile of keys on the rare path. */
export const SCRATCH_BYTES = 16 * 8;

const FN_INSERT = 0;
const FN_OFFER_BLOCK = 1;
const FN_OFFER_ROW = 2;

/** The exported kernels, all offsets in bytes. Rows `[row0, row1)` must be multiples of {@link ROW_PADDING}. */
export interface ScanKernels {
  scanBlocks(
    queries: number,
    nBlocks: number,
    keys: number,
    ids: number,
    norms: number,
    scratch: number,
    row0: number,
    row1: number,
  ): void;
  scanRow(
    query: number,
    nBlocks: number,
    keys: number,
    ids: number,
    norms: number,
    scratch: number,
    row0: number,
    row1: number,
  ): void;
}

/**
 * insert(keys, ids, v, t): puts key `v` of row `t` into the sorted list, dropping the last entry. An entry
 * moves down only when its key is strictly greater, so equal keys keep the earlier-offered (lower) row
 * first — the tie order callers rely on.
 */
function insertFunction(k: number): FunctionDef {
  const [keys, ids, v, t] = [0, 1, 2, 3];
  const c = new Code(4);
  const pk = c.local(I32);
  const pi = c.local(I32);
  const prev = c.local(F64);
  c.localGet(keys)
    .i32Const((k - 1) * 8)
    .i32Add()
    .localSet(pk);
  c.localGet(ids)
    .i32Const((k - 1) * 4)
    .i32Add()
    .localSet(pi);
  c.block(() => {
    c.loop(() => {
      c.localGet(pk).localGet(keys).i32Eq().brIf(1);
      c.localGet(pk).i32Const(8).i32Sub().f64Load().localTee(prev).localGet(v).f64Gt().i32Eqz().brIf(1);
      c.localGet(pk).localGet(prev).f64Store();
      c.localGet(pi).localGet(pi).i32Const(4).i32Sub().i32Load().i32Store();
      c.increment(pk, -8);
      c.increment(pi, -4);
      c.br(0);
    });
  });
  c.localGet(pk).localGet(v).f64Store();
  c.localGet(pi).localGet(t).i32Store();
  return { name: 'insert', params: [I32, I32, F64, I32], code: c };
}

/**
 * offer(keys, ids, scratch, row): offers a spilled tile of `queries × rows` keys (query-major, rows in
 * order) to the queries' lists, each key only if it beats that list's current k-th.
 */
function offerFunction(name: string, k: number, queries: number, rows: number): FunctionDef {
  const [keys, ids, scratch, row] = [0, 1, 2, 3];
  const c = new Code(4);
  const v = c.local(F64);
  for (let r = 0; r < queries; r++) {
    for (let i = 0; i < rows; i++) {
      c.localGet(scratch)
        .f64Load((r * rows + i) * 8)
        .localTee(v);
      c.localGet(keys)
        .f64Load((r * k + k - 1) * 8)
        .f64Lt();
      c.if(() => {
        c.localGet(keys)
          .i32Const(r * k * 8)
          .i32Add();
        c.localGet(ids)
          .i32Const(r * k * 4)
          .i32Add();
        c.localGet(v);
        c.localGet(row).i32Const(i).i32Add();
        c.call(FN_INSERT);
      });
    }
  }
  return { name, params: [I32, I32, I32, I32], code: c };
}

/**
 * scan(queries, nBlocks, keys, ids, norms, scratch, row0, row1): for each of `nBlocks` blocks of Q
 * queries, ranks training rows `[row0, row1)` in tiles of Q queries × 4·G rows, and sends a tile to
 * `offer` only when some key in it beats its query's current k-th (rare once the lists fill).
 */
function scanFunction(name: string, d: number, k: number, Q: number, G: number, offer: number): FunctionDef {
  const [queries, nBlocks, keys, ids, norms, scratch, row0, row1] = [0, 1, 2, 3, 4, 5, 6, 7];
  const lanes = 2 * G;
  const groupBytes = GROUP_ROWS * d * 8;
  const c = new Code(8);
  const qp = c.local(I32);
  const kp = c.local(I32);
  const ip = c.local(I32);
  const tp = c.local(I32);
  const np = c.local(I32);
  const row = c.local(I32);
  const tEnd = c.local(I32);
  const jt = c.local(I32);
  const jq = c.local(I32);
  const jEnd = c.local(I32);
  const acc = Array.from({ length: Q * lanes }, () => c.local(V128));
  const tv = Array.from({ length: lanes }, () => c.local(V128));
  const s = c.local(V128);
  const any = c.local(V128);

  /** Multiply-adds the feature at the pointers `jt` (training rows) and `jq` (queries). */
  const feature = (): void => {
    for (let i = 0; i < lanes; i++) {
      c.localGet(jt)
        .v128Load((i >> 1) * groupBytes + (i & 1) * 16)
        .localSet(tv[i]);
    }
    for (let r = 0; r < Q; r++) {
      c.localGet(jq)
        .v128Load64Splat(r * 8)
        .localSet(s);
      for (let i = 0; i < lanes; i++) {
        const a = acc[r * lanes + i];
        c.localGet(a).localGet(s).localGet(tv[i]).f64x2Mul().f64x2Add().localSet(a);
      }
    }
  };

  c.localGet(row1)
    .i32Const(d * 8)
    .i32Mul()
    .localSet(tEnd);
  c.localGet(queries).localSet(qp);
  c.localGet(keys).localSet(kp);
  c.localGet(ids).localSet(ip);
  c.block(() => {
    c.loop(() => {
      c.localGet(nBlocks).i32Eqz().brIf(1);
      c.localGet(row0).localSet(row);
      c.localGet(row0)
        .i32Const(d * 8)
        .i32Mul()
        .localSet(tp);
      c.localGet(row0).i32Const(8).i32Mul().localGet(norms).i32Add().localSet(np);
      c.block(() => {
        c.loop(() => {
          c.localGet(tp).localGet(tEnd).i32LtU().i32Eqz().brIf(1);
          for (const a of acc) c.v128Zero().localSet(a);
          // One feature per iteration, not unrolled: V8 keeps loads in program order but sinks pure
          // arithmetic to its last use, so an unrolled body would load every operand first and spill
          // them; the loop-carried accumulators pin the multiply-adds inside the iteration.
          if (d > 0) {
            c.localGet(tp).localSet(jt);
            c.localGet(qp).localSet(jq);
            c.localGet(tp)
              .i32Const(d * GROUP_ROWS * 8)
              .i32Add()
              .localSet(jEnd);
            c.loop(() => {
              feature();
              c.increment(jq, Q * 8);
              c.increment(jt, GROUP_ROWS * 8);
              c.localGet(jt).localGet(jEnd).i32LtU().brIf(0);
            });
          }
          // key = ‖b‖² − 2·a·b per lane, then one test for the whole tile against each query's k-th.
          c.v128Zero().localSet(any);
          for (let r = 0; r < Q; r++) {
            c.localGet(kp)
              .v128Load64Splat((r * k + k - 1) * 8)
              .localSet(s);
            for (let i = 0; i < lanes; i++) {
              const a = acc[r * lanes + i];
              c.localGet(np)
                .v128Load(i * 16)
                .localGet(a)
                .localGet(a)
                .f64x2Add()
                .f64x2Sub()
                .localTee(a);
              c.localGet(s).f64x2Lt().localGet(any).v128Or().localSet(any);
            }
          }
          c.localGet(any).v128AnyTrue();
          c.if(() => {
            for (let r = 0; r < Q; r++) {
              for (let i = 0; i < lanes; i++) {
                c.localGet(scratch)
                  .localGet(acc[r * lanes + i])
                  .v128Store((r * lanes + i) * 16);
              }
            }
            c.localGet(kp).localGet(ip).localGet(scratch).localGet(row).call(offer);
          });
          c.increment(tp, G * groupBytes);
          c.increment(np, G * GROUP_ROWS * 8);
          c.increment(row, G * GROUP_ROWS);
          c.br(0);
        });
      });
      c.increment(qp, Q * d * 8);
      c.increment(kp, Q * k * 8);
      c.increment(ip, Q * k * 4);
      c.increment(nBlocks, -1);
      c.br(0);
    });
  });
  return { name, params: [I32, I32, I32, I32, I32, I32, I32, I32], code: c };
}

/** The kernel module's bytes for `d` features and `k` neighbours. */
export function scanModuleBytes(d: number, k: number): Uint8Array {
  return encodeModule(
    [
      insertFunction(k),
      offerFunction('offerBlock', k, BLOCK_QUERIES, GROUP_ROWS),
      offerFunction('offerRow', k, 1, 2 * GROUP_ROWS),
      scanFunction('scanBlocks', d, k, BLOCK_QUERIES, 1, FN_OFFER_BLOCK),
      scanFunction('scanRow', d, k, 1, 2, FN_OFFER_ROW),
    ],
    0,
  );
}
