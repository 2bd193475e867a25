import type { FeatureMatrix } from '../../data/matrix.ts';

/**
 * Every feature's rows in ascending order of that feature (ties by row index), with each row's dense rank
 * (index of its value among the feature's distinct values) alongside, so split scans read 32-bit integers
 * sequentially and look real values up only to place a threshold. Feature j occupies
 * `[j * nRows, (j + 1) * nRows)` of `rows`, `ranks` and `distinct` (the first `nDistinct[j]` entries).
 * Computed once per data set and shared by every tree grown on it.
 */
export interface PresortedFeatures {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly rows: Int32Array;
  readonly ranks: Int32Array;
  /** Distinct values of each feature, ascending. */
  readonly distinct: Float64Array;
  readonly nDistinct: Int32Array;
  /**
   * Dense rank of row i's value of feature j at `i * nFeatures + j`: row-major, because per-node sorting
   * gathers several features of the same rows, which then share cache lines.
   */
  readonly rankOfRow: Int32Array;
}

const BUCKETS = 2048;

/**
 * Radix sort on the order-preserving image of each double: a stable 3-pass LSD sort on the upper 32 bits
 * (sign, exponent, top of the mantissa), then insertion sort inside the rare runs that share those bits,
 * on the lower 32 bits. O(n) per feature, stable (ties keep row order), and free of JS comparator
 * callbacks. Values must be finite (NaN has no place in CART).
 */
export function presortFeatures(x: FeatureMatrix): PresortedFeatures {
  const { nRows: n, nFeatures: d, values } = x;
  const rows = new Int32Array(n * d);
  const ranks = new Int32Array(n * d);
  const distinct = new Float64Array(n * d);
  const nDistinct = new Int32Array(d);
  const rankOfRow = new Int32Array(n * d);
  let hi = new Uint32Array(n);
  let idx = new Int32Array(n);
  let hi2 = new Uint32Array(n);
  let idx2 = new Int32Array(n);
  const lo = new Uint32Array(n);
  const counts = new Int32Array(3 * BUCKETS);
  for (let j = 0; j < d; j++) {
    const off = j * n;
    const bits = new Uint32Array(values.buffer, values.byteOffset + off * 8, 2 * n);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      let h = bits[2 * i + 1];
      let l = bits[2 * i];
      if (h === 0x80000000 && l === 0) h = 0; // -0 sorts as +0
      if (h & 0x80000000) {
        h = ~h >>> 0;
        l = ~l >>> 0;
      } else {
        h = (h | 0x80000000) >>> 0;
      }
      hi[i] = h;
      lo[i] = l;
      idx[i] = i;
      counts[h & 0x7ff]++;
      counts[BUCKETS + ((h >>> 11) & 0x7ff)]++;
      counts[2 * BUCKETS + (h >>> 22)]++;
    }
    for (let pass = 0; pass < 3; pass++) {
      const cb = pass * BUCKETS;
      const shift = pass * 11;
      let sum = 0;
      let trivial = false;
      for (let b = 0; b < BUCKETS; b++) {
        const c = counts[cb + b];
        if (c === n) trivial = true;
        counts[cb + b] = sum;
        sum += c;
      }
      if (trivial) continue; // every key shares this digit: the pass would not move anything
      for (let i = 0; i < n; i++) {
        const h = hi[i];
        const pos = counts[cb + ((h >>> shift) & 0x7ff)]++;
        hi2[pos] = h;
        idx2[pos] = idx[i];
      }
      const th = hi;
      hi = hi2;
      hi2 = th;
      const ti = idx;
      idx = idx2;
      idx2 = ti;
    }
    // Runs sharing the upper 32 bits: order by the lower bits, then row index (stable insertion sort).
    for (let p = 1; p < n; p++) {
      if (hi[p] !== hi[p - 1]) continue;
      const h = hi[p];
      const i = idx[p];
      const l = lo[i];
      let q = p - 1;
      while (q >= 0 && hi[q] === h && (lo[idx[q]] > l || (lo[idx[q]] === l && idx[q] > i))) {
        idx[q + 1] = idx[q];
        q--;
      }
      idx[q + 1] = i;
    }
    let rank = -1;
    let previous = Number.NaN;
    for (let p = 0; p < n; p++) {
      const i = idx[p];
      const v = values[off + i];
      if (v !== previous) {
        rank++;
        distinct[off + rank] = v;
        previous = v;
      }
      rows[off + p] = i;
      ranks[off + p] = rank;
      rankOfRow[i * d + j] = rank;
    }
    nDistinct[j] = rank + 1;
  }
  return { nRows: n, nFeatures: d, rows, ranks, distinct, nDistinct, rankOfRow };
}
