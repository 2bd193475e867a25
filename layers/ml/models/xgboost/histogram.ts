import type { BinnedFeatures } from './quantile-bins.ts';

/**
 * Gradient/hessian histograms of one node: slot `binOffset[j] + b` holds the sums over the node's rows
 * whose feature j falls in bin b, gradient at 2·slot and hessian at 2·slot + 1.
 */
export class HistogramBuilder {
  private readonly binned: BinnedFeatures;
  /** The node's gradients and hessians gathered in row order, so each feature pass reads them sequentially. */
  private readonly gathered: Float64Array;
  readonly size: number;

  constructor(binned: BinnedFeatures) {
    this.binned = binned;
    this.gathered = new Float64Array(2 * binned.nRows);
    this.size = 2 * binned.binOffset[binned.nFeatures];
  }

  /** Fills `hist` from rows[start..end) over the given features (other features' slots are left stale). */
  build(
    hist: Float64Array,
    rows: Int32Array,
    start: number,
    end: number,
    grad: Float64Array,
    hess: Float64Array,
    features: Int32Array,
    nActive: number,
  ): void {
    const { bins, binOffset, nRows: n } = this.binned;
    const gh = this.gathered;
    const count = end - start;
    for (let k = 0; k < count; k++) {
      const r = rows[start + k];
      gh[2 * k] = grad[r];
      gh[2 * k + 1] = hess[r];
    }
    for (let a = 0; a < nActive; a++) {
      const j = features[a];
      const lo = 2 * binOffset[j];
      hist.fill(0, lo, 2 * binOffset[j + 1]);
      const col = j * n;
      for (let k = 0; k < count; k++) {
        const slot = lo + 2 * bins[col + rows[start + k]];
        hist[slot] += gh[2 * k];
        hist[slot + 1] += gh[2 * k + 1];
      }
    }
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
