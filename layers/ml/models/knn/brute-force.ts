/**
 * Exact k-nearest-neighbour search by brute force, tuned for V8 (no SIMD, so the win comes from
 * register blocking and cache tiling, as a BLAS GEMM would get it):
 *
 * - Candidates are ranked by ‖b‖² − 2a·b (the squared Euclidean distance minus the query's constant
 *   ‖a‖²), so the inner loop is a plain dot product.
 * - Training rows are packed in groups of 4 and queries in pairs, both feature-interleaved
 *   (`packed[g·4d + j·4 + r]`, `pairs[p·2d + j·2 + r]`), so the micro-kernel computes a 2-query × 4-row
 *   block of dot products with 8 independent accumulators from 6 contiguous loads per 8 multiply-adds.
 *   Every array and size arrives as a function argument: V8 then keeps them in registers, which it does
 *   not do for closure or module variables (measured: ~2× slower).
 * - The training set is walked in chunks that fit the L2 cache; every query visits a chunk before
 *   the next is loaded, so the training data streams from memory once per chunk, not once per query.
 * - Each query keeps a sorted top-k list; a candidate is inserted only when it beats the current k-th,
 *   which after the first few hundred rows is rare, so there is no per-row sort.
 *
 * The k survivors then get their exact distance Σ(a−b)² (so duplicates are at distance exactly 0) and
 * are ordered by (distance, training index): ties go to the lower training index, which is what
 * scikit-learn's algorithm='brute' returned on every reference split we compared (its k-d tree, picked
 * by 'auto' for few features, may break exact ties differently).
 */

const GROUP = 4;
/** Training rows per cache chunk: 2048 rows × 20 features × 8 bytes = 320 KiB, inside a 512 KiB L2. */
const CHUNK_BYTES = 320 * 1024;

export interface TrainingPack {
  readonly nRows: number;
  readonly nFeatures: number;
  /** Rows padded to a multiple of 4 and packed feature-interleaved per group of 4. */
  readonly packed: Float64Array;
  /** ‖b‖² per packed row; +∞ for the padding rows so they can never be selected. */
  readonly sqNorms: Float64Array;
}

export interface Neighbours {
  /** `nQueries × k` training row indices, nearest first. */
  readonly indices: Int32Array;
  /** `nQueries × k` Euclidean distances, matching `indices`. */
  readonly distances: Float64Array;
}

/** Packs a row-major `nRows × nFeatures` training matrix. */
export function packTraining(rows: Float64Array, nRows: number, nFeatures: number): TrainingPack {
  const d = nFeatures;
  const padded = Math.ceil(nRows / GROUP) * GROUP;
  const packed = new Float64Array(padded * d);
  const sqNorms = new Float64Array(padded).fill(Number.POSITIVE_INFINITY);
  for (let t = 0; t < nRows; t++) {
    const base = Math.floor(t / GROUP) * GROUP * d + (t % GROUP);
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = rows[t * d + j];
      packed[base + j * GROUP] = v;
      s += v * v;
    }
    sqNorms[t] = s;
  }
  return { nRows, nFeatures, packed, sqNorms };
}

/** Row-major copy of the packed training rows (for serialization). */
export function unpackTraining(pack: TrainingPack): Float64Array {
  const d = pack.nFeatures;
  const out = new Float64Array(pack.nRows * d);
  for (let t = 0; t < pack.nRows; t++) {
    const base = Math.floor(t / GROUP) * GROUP * d + (t % GROUP);
    for (let j = 0; j < d; j++) out[t * d + j] = pack.packed[base + j * GROUP];
  }
  return out;
}

/**
 * Inserts candidate `t` with key `v` into the sorted list `keys/ids[base … base+k-1]` (ascending, equal
 * keys keep their earlier — lower-index — entries first).
 */
function insert(keys: Float64Array, ids: Int32Array, base: number, k: number, v: number, t: number): void {
  let p = base + k - 1;
  while (p > base && keys[p - 1] > v) {
    keys[p] = keys[p - 1];
    ids[p] = ids[p - 1];
    p--;
  }
  keys[p] = v;
  ids[p] = t;
}

/** Offers the 4 rows of group starting at row `t` (keys `v0…v3`, in row order); returns the new k-th key. */
function offer4(
  keys: Float64Array,
  ids: Int32Array,
  base: number,
  k: number,
  t: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): number {
  const last = base + k - 1;
  if (v0 < keys[last]) insert(keys, ids, base, k, v0, t);
  if (v1 < keys[last]) insert(keys, ids, base, k, v1, t + 1);
  if (v2 < keys[last]) insert(keys, ids, base, k, v2, t + 2);
  if (v3 < keys[last]) insert(keys, ids, base, k, v3, t + 3);
  return keys[last];
}

/**
 * Scans packed groups `[g0, g1)` for the query pair at offset `qp` of `pairs`, updating the top-k lists
 * at `baseA` and `baseB`.
 */
function scanPair(
  packed: Float64Array,
  norms: Float64Array,
  d: number,
  pairs: Float64Array,
  qp: number,
  g0: number,
  g1: number,
  keys: Float64Array,
  ids: Int32Array,
  baseA: number,
  baseB: number,
  k: number,
): void {
  const last = k - 1;
  const qEnd = qp + 2 * d;
  let worstA = keys[baseA + last];
  let worstB = keys[baseB + last];
  for (let g = g0; g < g1; g++) {
    let o = g * GROUP * d;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let q = qp; q < qEnd; q += 2, o += GROUP) {
      const qA = pairs[q];
      const qB = pairs[q + 1];
      const t0 = packed[o];
      const t1 = packed[o + 1];
      const t2 = packed[o + 2];
      const t3 = packed[o + 3];
      a0 += qA * t0;
      a1 += qA * t1;
      a2 += qA * t2;
      a3 += qA * t3;
      b0 += qB * t0;
      b1 += qB * t1;
      b2 += qB * t2;
      b3 += qB * t3;
    }
    const t = g * GROUP;
    const n0 = norms[t];
    const n1 = norms[t + 1];
    const n2 = norms[t + 2];
    const n3 = norms[t + 3];
    // Candidates rarely beat the current k-th, so the hot loop only compares; the insertion lives
    // out of line to keep the accumulators in registers.
    const vA0 = n0 - 2 * a0;
    const vA1 = n1 - 2 * a1;
    const vA2 = n2 - 2 * a2;
    const vA3 = n3 - 2 * a3;
    if (vA0 < worstA || vA1 < worstA || vA2 < worstA || vA3 < worstA) {
      worstA = offer4(keys, ids, baseA, k, t, vA0, vA1, vA2, vA3);
    }
    const vB0 = n0 - 2 * b0;
    const vB1 = n1 - 2 * b1;
    const vB2 = n2 - 2 * b2;
    const vB3 = n3 - 2 * b3;
    if (vB0 < worstB || vB1 < worstB || vB2 < worstB || vB3 < worstB) {
      worstB = offer4(keys, ids, baseB, k, t, vB0, vB1, vB2, vB3);
    }
  }
}

/**
 * Interleaves row-major queries in pairs (`out[p·2d + j·2 + r]`); an odd last query is paired with
 * itself, and its twin's results go to a scratch list that is never read.
 */
function pairQueries(queries: Float64Array, nQueries: number, d: number, out: Float64Array): void {
  for (let q = 0; q < nQueries; q += 2) {
    const twin = q + 1 < nQueries ? q + 1 : q;
    const o = q * d;
    for (let j = 0; j < d; j++) {
      out[o + 2 * j] = queries[q * d + j];
      out[o + 2 * j + 1] = queries[twin * d + j];
    }
  }
}

/**
 * Replaces the ranking keys of one query's k survivors by exact Euclidean distances and re-sorts them
 * by (distance, index).
 */
function finish(
  pack: TrainingPack,
  queries: Float64Array,
  q: number,
  keys: Float64Array,
  ids: Int32Array,
  base: number,
  k: number,
): void {
  const d = pack.nFeatures;
  const packed = pack.packed;
  for (let r = 0; r < k; r++) {
    const t = ids[base + r];
    let o = Math.floor(t / GROUP) * GROUP * d + (t % GROUP);
    let s = 0;
    for (let j = 0; j < d; j++, o += GROUP) {
      const diff = queries[q + j] - packed[o];
      s += diff * diff;
    }
    keys[base + r] = Math.sqrt(s);
  }
  for (let r = 1; r < k; r++) {
    const v = keys[base + r];
    const t = ids[base + r];
    let p = base + r;
    while (p > base && (keys[p - 1] > v || (keys[p - 1] === v && ids[p - 1] > t))) {
      keys[p] = keys[p - 1];
      ids[p] = ids[p - 1];
      p--;
    }
    keys[p] = v;
    ids[p] = t;
  }
}

/** The k nearest training rows of every row of the row-major `nQueries × nFeatures` matrix. */
export function nearestNeighbours(
  pack: TrainingPack,
  queries: Float64Array,
  nQueries: number,
  k: number,
): Neighbours {
  const d = pack.nFeatures;
  const nPairs = Math.ceil(nQueries / 2);
  const pairs = new Float64Array(nPairs * 2 * d);
  pairQueries(queries, nQueries, d, pairs);
  // One spare list for the twin of an odd last query.
  const keys = new Float64Array(nPairs * 2 * k).fill(Number.POSITIVE_INFINITY);
  const ids = new Int32Array(nPairs * 2 * k).fill(-1);
  const groups = pack.sqNorms.length / GROUP;
  const chunkGroups = Math.max(1, Math.floor(CHUNK_BYTES / (GROUP * d * 8)));
  for (let g0 = 0; g0 < groups; g0 += chunkGroups) {
    const g1 = Math.min(groups, g0 + chunkGroups);
    for (let p = 0; p < nPairs; p++) {
      const q = 2 * p;
      scanPair(pack.packed, pack.sqNorms, d, pairs, q * d, g0, g1, keys, ids, q * k, (q + 1) * k, k);
    }
  }
  for (let q = 0; q < nQueries; q++) finish(pack, queries, q * d, keys, ids, q * k, k);
  return { indices: ids.slice(0, nQueries * k), distances: keys.slice(0, nQueries * k) };
}

/** Scratch for {@link nearestNeighboursOfRow}, allocated once per fitted model. */
export interface RowScratch {
  /** 2·nFeatures: the row paired with itself. */
  readonly pair: Float64Array;
  /** 2·k each: the row's list, then its twin's. */
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

export function rowScratch(nFeatures: number, k: number): RowScratch {
  return {
    pair: new Float64Array(2 * nFeatures),
    indices: new Int32Array(2 * k),
    distances: new Float64Array(2 * k),
  };
}

/**
 * The k nearest training rows of one query, left in `scratch.indices`/`scratch.distances[0 … k-1]`:
 * the serving path, which allocates nothing.
 */
export function nearestNeighboursOfRow(
  pack: TrainingPack,
  row: Float64Array,
  k: number,
  scratch: RowScratch,
): void {
  const { pair, indices, distances } = scratch;
  pairQueries(row, 1, pack.nFeatures, pair);
  distances.fill(Number.POSITIVE_INFINITY);
  indices.fill(-1);
  scanPair(
    pack.packed,
    pack.sqNorms,
    pack.nFeatures,
    pair,
    0,
    0,
    pack.sqNorms.length / GROUP,
    distances,
    indices,
    0,
    k,
    k,
  );
  finish(pack, row, 0, distances, indices, 0, k);
}
