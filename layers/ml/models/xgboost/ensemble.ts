import type { BoostedTree } from './boosted-tree.ts';
import { marginsToProba } from './objective.ts';

/**
 * All trees concatenated into one set of flat arrays for prediction. Tree t adds to margin `t mod width`
 * (width = 1 for binary:logistic, nClasses for multi:softprob: one tree per class per round).
 * Internal node: feature ≥ 0 and `next` = global index of the left child (right = next + 1).
 * Leaf: feature −1 and its output in `leafValue`.
 */
export class PackedEnsemble {
  readonly nClasses: number;
  /** Margins per row: 1 for binary, nClasses otherwise. */
  readonly width: number;
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly next: Int32Array;
  private readonly leafValue: Float64Array;

  constructor(trees: readonly BoostedTree[], nClasses: number) {
    this.nClasses = nClasses;
    this.width = nClasses === 2 ? 1 : nClasses;
    let total = 0;
    for (const t of trees) total += t.nodeCount;
    this.roots = new Int32Array(trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.next = new Int32Array(total);
    this.leafValue = new Float64Array(total);
    let base = 0;
    trees.forEach((t, k) => {
      this.roots[k] = base;
      for (let i = 0; i < t.nodeCount; i++) {
        this.feature[base + i] = t.feature[i];
        this.threshold[base + i] = t.threshold[i];
        this.next[base + i] = t.feature[i] >= 0 ? base + t.left[i] : -1;
        this.leafValue[base + i] = t.feature[i] >= 0 ? 0 : t.value[i];
      }
      base += t.nodeCount;
    });
  }

  /** Class probabilities of one row into out[0..nClasses); allocates nothing. */
  predictRow(row: Float64Array, out: Float64Array): void {
    const { roots, feature, threshold, next, leafValue, width } = this;
    for (let c = 0; c < width; c++) out[c] = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let f = feature[node];
      while (f >= 0) {
        // `>=` so a NaN fails the test and goes left.
        node = row[f] >= threshold[node] ? next[node] + 1 : next[node];
        f = feature[node];
      }
      out[t % width] += leafValue[node];
    }
    marginsToProba(out, 0, this.nClasses, out, 0);
  }

  /** Probabilities for every row of a column-major matrix, row-major `nRows × nClasses`. */
  predictColumnMajor(values: Float64Array, nRows: number): Float64Array {
    const { roots, feature, threshold, next, leafValue, width, nClasses } = this;
    const margins = new Float64Array(nRows * width);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      const c = t % width;
      for (let i = 0; i < nRows; i++) {
        let node = root;
        let f = feature[node];
        while (f >= 0) {
          node = values[f * nRows + i] >= threshold[node] ? next[node] + 1 : next[node];
          f = feature[node];
        }
        margins[i * width + c] += leafValue[node];
      }
    }
    const out = new Float64Array(nRows * nClasses);
    for (let i = 0; i < nRows; i++) marginsToProba(margins, i * width, nClasses, out, i * nClasses);
    return out;
  }
}
