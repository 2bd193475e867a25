import { MlError } from '../../errors.ts';
import type { SplitCandidate, SplitCriterion } from './criterion.ts';

/**
 * Gini impurity under real-valued sample weights (AdaBoost's reweighted rows), where the whole-number
 * codes of GiniCriterion cannot carry the weight. A row's code is its index; class and weight are looked
 * up. The proxy is scikit-learn's −W_R·gini_R − W_L·gini_L, recomputed from the class sums at each
 * candidate (O(classes)) rather than updated incrementally, so rounding does not drift along the scan.
 * `weights` is read during growth, so one criterion serves every round as the weights are refilled.
 */
export class WeightedGiniCriterion implements SplitCriterion {
  readonly valueWidth: number;
  private readonly y: Int32Array;
  private readonly weights: Float64Array;
  private readonly nClasses: number;
  private readonly total: Float64Array;
  private readonly left: Float64Array;
  private totalWeight = 0;

  constructor(y: Int32Array, nClasses: number, weights: Float64Array) {
    this.y = y;
    this.nClasses = nClasses;
    this.weights = weights;
    this.valueWidth = nClasses;
    this.total = new Float64Array(nClasses);
    this.left = new Float64Array(nClasses);
  }

  rowCode(row: number): number {
    const w = this.weights[row];
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new MlError(`weighted gini needs finite non-negative weights, got ${w} for row ${row}`);
    }
    return row;
  }

  initNode(codes: Int32Array, from: number, to: number): void {
    const { total, y, weights } = this;
    total.fill(0);
    let sum = 0;
    for (let p = from; p < to; p++) {
      const row = codes[p];
      const w = weights[row];
      total[y[row]] += w;
      sum += w;
    }
    this.totalWeight = sum;
  }

  nodeWeight(): number {
    return this.totalWeight;
  }

  nodeImpurity(): number {
    const w = this.totalWeight;
    if (w <= 0) return 0;
    let sq = 0;
    for (let c = 0; c < this.nClasses; c++) sq += this.total[c] * this.total[c];
    return 1 - sq / (w * w);
  }

  writeLeafValue(out: Float64Array, offset: number): void {
    const inv = this.totalWeight > 0 ? 1 / this.totalWeight : 0;
    for (let c = 0; c < this.nClasses; c++) out[offset + c] = this.total[c] * inv;
  }

  scanFeature(
    codes: Int32Array,
    ranks: Int32Array,
    from: number,
    to: number,
    minSamplesLeaf: number,
    feature: number,
    best: SplitCandidate,
  ): void {
    const { total, left, y, weights, nClasses } = this;
    left.fill(0);
    let wLeft = 0;
    let bestProxy = best.proxy;
    const firstSplit = from + minSamplesLeaf - 1;
    const lastSplit = to - minSamplesLeaf;
    let x = ranks[from];
    for (let p = from; p < lastSplit; p++) {
      const row = codes[p];
      const w = weights[row];
      left[y[row]] += w;
      wLeft += w;
      const xNext = ranks[p + 1];
      if (xNext > x && p >= firstSplit) {
        const wRight = this.totalWeight - wLeft;
        let sqLeft = 0;
        let sqRight = 0;
        for (let c = 0; c < nClasses; c++) {
          const l = left[c];
          const r = total[c] - l;
          sqLeft += l * l;
          sqRight += r * r;
        }
        const proxy = -wRight * (1 - sqRight / (wRight * wRight)) - wLeft * (1 - sqLeft / (wLeft * wLeft));
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.record(proxy, feature, p - from + 1, x, xNext);
        }
      }
      x = xNext;
    }
  }
}
