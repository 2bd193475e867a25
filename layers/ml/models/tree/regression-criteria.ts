import type { SplitCandidate, SplitCriterion } from './criterion.ts';

export type RegressionCriterionName = 'friedman_mse' | 'squared_error';

/**
 * Squared-error statistics of a real-valued target, every taking-part row counting once (gradient boosting
 * fits its trees on residuals; stochastic boosting leaves rows out rather than weighting them). A row's
 * code is its index: the target is looked up, which the residuals' 8 bytes per row would not fit in a code.
 * `target` is read during growth, so one criterion serves every tree of an ensemble as it is refilled.
 */
abstract class SquaredErrorStatistics implements SplitCriterion {
  readonly valueWidth = 1;
  protected readonly target: Float64Array;
  protected sum = 0;
  protected sqSum = 0;
  protected count = 0;

  constructor(target: Float64Array) {
    this.target = target;
  }

  rowCode(row: number): number {
    return row;
  }

  initNode(codes: Int32Array, from: number, to: number): void {
    const t = this.target;
    let sum = 0;
    let sq = 0;
    for (let p = from; p < to; p++) {
      const v = t[codes[p]];
      sum += v;
      sq += v * v;
    }
    this.sum = sum;
    this.sqSum = sq;
    this.count = to - from;
  }

  nodeWeight(): number {
    return this.count;
  }

  /** Variance of the target in the node (scikit-learn's MSE node_impurity). */
  nodeImpurity(): number {
    const w = this.count;
    if (w <= 0) return 0;
    const mean = this.sum / w;
    return this.sqSum / w - mean * mean;
  }

  writeLeafValue(out: Float64Array, offset: number): void {
    out[offset] = this.count > 0 ? this.sum / this.count : 0;
  }

  abstract scanFeature(
    codes: Int32Array,
    ranks: Int32Array,
    from: number,
    to: number,
    minSamplesLeaf: number,
    feature: number,
    best: SplitCandidate,
  ): void;
}

/**
 * Friedman's improvement (scikit-learn's `friedman_mse`, gradient boosting's default): the proxy is
 * (W_R·S_L − W_L·S_R)² / (W_L·W_R), which is W·(W_L·W_R/W)·(mean_L − mean_R)², so for unit weights it
 * orders splits as plain squared error does; it is kept separate to mirror scikit-learn's arithmetic.
 */
export class FriedmanMseCriterion extends SquaredErrorStatistics {
  scanFeature(
    codes: Int32Array,
    ranks: Int32Array,
    from: number,
    to: number,
    minSamplesLeaf: number,
    feature: number,
    best: SplitCandidate,
  ): void {
    const t = this.target;
    const total = this.sum;
    const n = to - from;
    let sumLeft = 0;
    let bestProxy = best.proxy;
    const firstSplit = from + minSamplesLeaf - 1;
    const lastSplit = to - minSamplesLeaf;
    let x = ranks[from];
    for (let p = from; p < lastSplit; p++) {
      sumLeft += t[codes[p]];
      const xNext = ranks[p + 1];
      if (xNext > x && p >= firstSplit) {
        const wLeft = p - from + 1;
        const wRight = n - wLeft;
        const diff = wRight * sumLeft - wLeft * (total - sumLeft);
        const proxy = (diff * diff) / (wLeft * wRight);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.record(proxy, feature, wLeft, x, xNext);
        }
      }
      x = xNext;
    }
  }
}

/** Plain squared error (scikit-learn's `squared_error`): the proxy is S_L²/W_L + S_R²/W_R. */
export class SquaredErrorCriterion extends SquaredErrorStatistics {
  scanFeature(
    codes: Int32Array,
    ranks: Int32Array,
    from: number,
    to: number,
    minSamplesLeaf: number,
    feature: number,
    best: SplitCandidate,
  ): void {
    const t = this.target;
    const total = this.sum;
    const n = to - from;
    let sumLeft = 0;
    let bestProxy = best.proxy;
    const firstSplit = from + minSamplesLeaf - 1;
    const lastSplit = to - minSamplesLeaf;
    let x = ranks[from];
    for (let p = from; p < lastSplit; p++) {
      sumLeft += t[codes[p]];
      const xNext = ranks[p + 1];
      if (xNext > x && p >= firstSplit) {
        const wLeft = p - from + 1;
        const sumRight = total - sumLeft;
        const proxy = (sumLeft * sumLeft) / wLeft + (sumRight * sumRight) / (n - wLeft);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.record(proxy, feature, wLeft, x, xNext);
        }
      }
      x = xNext;
    }
  }
}

export function regressionCriterion(
  name: RegressionCriterionName,
  target: Float64Array,
): FriedmanMseCriterion | SquaredErrorCriterion {
  return name === 'friedman_mse' ? new FriedmanMseCriterion(target) : new SquaredErrorCriterion(target);
}
