import type { BinnedFeatures } from './quantile-bins.ts';

/**
 * Gradient/hessian histograms of one node: slot `binOffset[j] + b` holds the sums over the node's rows
 * whose feature j falls in bin b, gradient at 2·slot and hessian at 2·slot + 1.
 *
 * Speed notes (this is where most of the fit time goes):
 * - A loop doing `hist[slot] += g` one value at a time runs at the latency of a store followed by a
 *   load of the same array: the CPU cannot tell the next slot differs, so each update waits for the
 *   previous one. The kernels walk four features per pass and load every sum they will update before
 *   storing any, which gives the CPU independent work (different features never share a slot).
 * - Big nodes go two rows at a time, the second row into a second copy of the histogram (so the two
 *   rows never collide in a slot either); the copies are added up at the end.
 * - The node's gradients are first gathered in row order, so the feature passes read them sequentially
 *   (the root of a tree on all rows reads them in place: its rows are 0..n-1).
 */
export class HistogramBuilder {
  private readonly binned: BinnedFeatures;
  private readonly gathered: Float64Array;
  /** Second histogram for the two-row kernel. */
  private readonly second: Float64Array;
  readonly size: number;

  constructor(binned: BinnedFeatures) {
    this.binned = binned;
    this.gathered = new Float64Array(2 * binned.nRows);
    this.size = 2 * binned.binOffset[binned.nFeatures];
    this.second = new Float64Array(this.size);
  }

  /**
   * Fills `hist` from rows[start..end) over the given features (other features' slots are left stale).
   * `gradHess` is interleaved per row; `allRowsInOrder` says rows[start..end) is exactly 0..nRows-1.
   */
  build(
    hist: Float64Array,
    rows: Int32Array,
    start: number,
    end: number,
    gradHess: Float64Array,
    allRowsInOrder: boolean,
    features: Int32Array,
    nActive: number,
  ): void {
    const { bins, binOffset, nRows: n } = this.binned;
    const count = end - start;
    let gh = gradHess;
    if (!allRowsInOrder) {
      gh = this.gathered;
      for (let k = 0; k < count; k++) {
        const r = rows[start + k];
        gh[2 * k] = gradHess[2 * r];
        gh[2 * k + 1] = gradHess[2 * r + 1];
      }
    }
    const twoRows = count >= TWO_ROW_MIN;
    const second = this.second;
    for (let a = 0; a < nActive; a++) {
      const j = features[a];
      hist.fill(0, 2 * binOffset[j], 2 * binOffset[j + 1]);
      if (twoRows) second.fill(0, 2 * binOffset[j], 2 * binOffset[j + 1]);
    }
    let a = 0;
    for (; a + 4 <= nActive; a += 4) {
      const j0 = features[a];
      const j1 = features[a + 1];
      const j2 = features[a + 2];
      const j3 = features[a + 3];
      const c0 = j0 * n;
      const c1 = j1 * n;
      const c2 = j2 * n;
      const c3 = j3 * n;
      const o0 = 2 * binOffset[j0];
      const o1 = 2 * binOffset[j1];
      const o2 = 2 * binOffset[j2];
      const o3 = 2 * binOffset[j3];
      if (twoRows) accumulate4x2(hist, second, bins, gh, rows, start, count, c0, o0, c1, o1, c2, o2, c3, o3);
      else accumulate4(hist, bins, gh, rows, start, count, c0, o0, c1, o1, c2, o2, c3, o3);
    }
    for (; a < nActive; a++) {
      const j = features[a];
      accumulate1(hist, bins, gh, rows, start, count, j * n, 2 * binOffset[j]);
    }
    if (twoRows) {
      for (let b = 0; b < nActive; b++) {
        const j = features[b];
        const last = 2 * binOffset[j + 1];
        for (let s = 2 * binOffset[j]; s < last; s++) hist[s] += second[s];
      }
    }
  }
}

/** Below this many rows the second histogram's clearing and merging costs more than it saves. */
const TWO_ROW_MIN = 1024;

function accumulate4(
  hist: Float64Array,
  bins: Uint8Array,
  gh: Float64Array,
  rows: Int32Array,
  start: number,
  count: number,
  c0: number,
  o0: number,
  c1: number,
  o1: number,
  c2: number,
  o2: number,
  c3: number,
  o3: number,
): void {
  for (let k = 0; k < count; k++) {
    const r = rows[start + k];
    const g = gh[2 * k];
    const h = gh[2 * k + 1];
    const s0 = o0 + 2 * bins[c0 + r];
    const s1 = o1 + 2 * bins[c1 + r];
    const s2 = o2 + 2 * bins[c2 + r];
    const s3 = o3 + 2 * bins[c3 + r];
    const g0 = hist[s0];
    const h0 = hist[s0 + 1];
    const g1 = hist[s1];
    const h1 = hist[s1 + 1];
    const g2 = hist[s2];
    const h2 = hist[s2 + 1];
    const g3 = hist[s3];
    const h3 = hist[s3 + 1];
    hist[s0] = g0 + g;
    hist[s0 + 1] = h0 + h;
    hist[s1] = g1 + g;
    hist[s1 + 1] = h1 + h;
    hist[s2] = g2 + g;
    hist[s2 + 1] = h2 + h;
    hist[s3] = g3 + g;
    hist[s3 + 1] = h3 + h;
  }
}

/** accumulate4 two rows at a time: even rows into `hist`, odd rows into `other`. */
function accumulate4x2(
  hist: Float64Array,
  other: Float64Array,
  bins: Uint8Array,
  gh: Float64Array,
  rows: Int32Array,
  start: number,
  count: number,
  c0: number,
  o0: number,
  c1: number,
  o1: number,
  c2: number,
  o2: number,
  c3: number,
  o3: number,
): void {
  let k = 0;
  for (; k + 2 <= count; k += 2) {
    const r = rows[start + k];
    const q = rows[start + k + 1];
    const g = gh[2 * k];
    const h = gh[2 * k + 1];
    const gq = gh[2 * k + 2];
    const hq = gh[2 * k + 3];
    const s0 = o0 + 2 * bins[c0 + r];
    const s1 = o1 + 2 * bins[c1 + r];
    const s2 = o2 + 2 * bins[c2 + r];
    const s3 = o3 + 2 * bins[c3 + r];
    const t0 = o0 + 2 * bins[c0 + q];
    const t1 = o1 + 2 * bins[c1 + q];
    const t2 = o2 + 2 * bins[c2 + q];
    const t3 = o3 + 2 * bins[c3 + q];
    const g0 = hist[s0];
    const h0 = hist[s0 + 1];
    const g1 = hist[s1];
    const h1 = hist[s1 + 1];
    const g2 = hist[s2];
    const h2 = hist[s2 + 1];
    const g3 = hist[s3];
    const h3 = hist[s3 + 1];
    const u0 = other[t0];
    const v0 = other[t0 + 1];
    const u1 = other[t1];
    const v1 = other[t1 + 1];
    const u2 = other[t2];
    const v2 = other[t2 + 1];
    const u3 = other[t3];
    const v3 = other[t3 + 1];
    hist[s0] = g0 + g;
    hist[s0 + 1] = h0 + h;
    hist[s1] = g1 + g;
    hist[s1 + 1] = h1 + h;
    hist[s2] = g2 + g;
    hist[s2 + 1] = h2 + h;
    hist[s3] = g3 + g;
    hist[s3 + 1] = h3 + h;
    other[t0] = u0 + gq;
    other[t0 + 1] = v0 + hq;
    other[t1] = u1 + gq;
    other[t1 + 1] = v1 + hq;
    other[t2] = u2 + gq;
    other[t2 + 1] = v2 + hq;
    other[t3] = u3 + gq;
    other[t3 + 1] = v3 + hq;
  }
  if (k < count) {
    const r = rows[start + k];
    const g = gh[2 * k];
    const h = gh[2 * k + 1];
    const s0 = o0 + 2 * bins[c0 + r];
    const s1 = o1 + 2 * bins[c1 + r];
    const s2 = o2 + 2 * bins[c2 + r];
    const s3 = o3 + 2 * bins[c3 + r];
    hist[s0] += g;
    hist[s0 + 1] += h;
    hist[s1] += g;
    hist[s1 + 1] += h;
    hist[s2] += g;
    hist[s2 + 1] += h;
    hist[s3] += g;
    hist[s3 + 1] += h;
  }
}

function accumulate1(
  hist: Float64Array,
  bins: Uint8Array,
  gh: Float64Array,
  rows: Int32Array,
  start: number,
  count: number,
  col: number,
  offset: number,
): void {
  for (let k = 0; k < count; k++) {
    const s = offset + 2 * bins[col + rows[start + k]];
    hist[s] += gh[2 * k];
    hist[s + 1] += gh[2 * k + 1];
  }
}

/** parent ← parent − child over the given features: the sibling's histogram without touching its rows. */
export function subtractHistogram(
  parent: Float64Array,
  child: Float64Array,
  binOffset: Int32Array,
  features: Int32Array,
  nActive: number,
): void {
  for (let a = 0; a < nActive; a++) {
    const j = features[a];
    const end = 2 * binOffset[j + 1];
    for (let s = 2 * binOffset[j]; s < end; s++) parent[s] -= child[s];
  }
}
