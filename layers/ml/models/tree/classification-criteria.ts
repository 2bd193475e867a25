import { MlError } from '../../errors.ts';
import type { SplitCandidate, SplitCriterion } from './criterion.ts';

export type ClassificationCriterionName = 'gini' | 'entropy';

/**
 * Class-count statistics shared by gini and entropy. A row's code is `weight << classBits | class`, so
 * weights must be whole numbers (bootstrap counts, ones) and a row with weight 0 must not be grown on.
 * `weights` is read when the grower asks for codes, so a forest can refill it between trees.
 */
abstract class ClassCountCriterion implements SplitCriterion {
  readonly valueWidth: number;
  protected readonly y: Int32Array;
  protected readonly weights: Float64Array | undefined;
  protected readonly nClasses: number;
  protected readonly classBits: number;
  protected readonly classMask: number;
  private readonly maxWeight: number;
  protected readonly total: Float64Array;
  protected readonly left: Float64Array;
  protected totalWeight = 0;

  /** `weights` undefined means every row counts once. */
  constructor(y: Int32Array, nClasses: number, weights?: Float64Array) {
    this.y = y;
    this.nClasses = nClasses;
    this.weights = weights;
    this.valueWidth = nClasses;
    this.classBits = Math.max(1, 32 - Math.clz32(nClasses - 1));
    this.classMask = (1 << this.classBits) - 1;
    this.maxWeight = 2 ** (31 - this.classBits) - 1;
    this.total = new Float64Array(nClasses);
    this.left = new Float64Array(nClasses);
  }

  rowCode(row: number): number {
    const w = this.weights === undefined ? 1 : this.weights[row];
    if (!(Number.isInteger(w) && w >= 1 && w <= this.maxWeight)) {
      throw new MlError(`class-count criteria need whole-number weights in 1..${this.maxWeight}, got ${w}`);
    }
    return (w << this.classBits) | this.y[row];
  }

  initNode(codes: Int32Array, from: number, to: number): void {
    const { total, classBits, classMask } = this;
    total.fill(0);
    let sum = 0;
    for (let p = from; p < to; p++) {
      const code = codes[p];
      const w = code >>> classBits;
      total[code & classMask] += w;
      sum += w;
    }
    this.totalWeight = sum;
  }

  nodeWeight(): number {
    return this.totalWeight;
  }

  abstract nodeImpurity(): number;

  writeLeafValue(out: Float64Array, offset: number): void {
    const inv = this.totalWeight > 0 ? 1 / this.totalWeight : 0;
    for (let c = 0; c < this.nClasses; c++) out[offset + c] = this.total[c] * inv;
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
 * Gini impurity. The proxy is Σ_k L_k²/W_L + Σ_k R_k²/W_R (scikit-learn's proxy_impurity_improvement up to
 * a constant), kept up to date in O(1) per row; with whole-number weights the sums of squares are exact.
 */
export class GiniCriterion extends ClassCountCriterion {
  nodeImpurity(): number {
    const w = this.totalWeight;
    if (w <= 0) return 0;
    let sq = 0;
    for (let c = 0; c < this.nClasses; c++) sq += this.total[c] * this.total[c];
    return 1 - sq / (w * w);
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
    const { total, left, classBits, classMask } = this;
    left.fill(0);
    let sqRight = 0;
    for (let c = 0; c < this.nClasses; c++) sqRight += total[c] * total[c];
    let sqLeft = 0;
    let wLeft = 0;
    let wRight = this.totalWeight;
    let bestProxy = best.proxy;
    const firstSplit = from + minSamplesLeaf - 1;
    const lastSplit = to - minSamplesLeaf;
    let x = ranks[from];
    for (let p = from; p < lastSplit; p++) {
      const code = codes[p];
      const c = code & classMask;
      const w = code >>> classBits;
      const l = left[c];
      sqLeft += w * (2 * l + w);
      sqRight += w * (w - 2 * (total[c] - l));
      left[c] = l + w;
      wLeft += w;
      wRight -= w;
      const xNext = ranks[p + 1];
      if (xNext > x && p >= firstSplit) {
        const proxy = sqLeft / wLeft + sqRight / wRight;
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.record(proxy, feature, p - from + 1, x, xNext);
        }
      }
      x = xNext;
    }
  }
}

/**
 * Shannon entropy (bits, as scikit-learn). The proxy is −(W_L·H_L + W_R·H_R) in nats, evaluated exactly at
 * each candidate from a table of v·ln v over whole-number weights.
 */
export class EntropyCriterion extends ClassCountCriterion {
  /** v·ln v for v = 0..length-1, grown on demand to the largest node weight seen. */
  private table = new Float64Array(1);

  override initNode(codes: Int32Array, from: number, to: number): void {
    super.initNode(codes, from, to);
    const w = this.totalWeight;
    if (w >= this.table.length) {
      const table = new Float64Array(w + 1);
      for (let v = 1; v <= w; v++) table[v] = v * Math.log(v);
      this.table = table;
    }
  }

  nodeImpurity(): number {
    const w = this.totalWeight;
    if (w <= 0) return 0;
    let h = 0;
    for (let c = 0; c < this.nClasses; c++) {
      const p = this.total[c] / w;
      if (p > 0) h -= p * Math.log2(p);
    }
    return h;
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
    const { total, left, nClasses, classBits, classMask, table: t } = this;
    left.fill(0);
    let wLeft = 0;
    let wRight = this.totalWeight;
    let bestProxy = best.proxy;
    const firstSplit = from + minSamplesLeaf - 1;
    const lastSplit = to - minSamplesLeaf;
    let x = ranks[from];
    for (let p = from; p < lastSplit; p++) {
      const code = codes[p];
      const w = code >>> classBits;
      left[code & classMask] += w;
      wLeft += w;
      wRight -= w;
      const xNext = ranks[p + 1];
      if (xNext > x && p >= firstSplit) {
        let proxy = -t[wLeft] - t[wRight];
        for (let c = 0; c < nClasses; c++) {
          const l = left[c];
          proxy += t[l] + t[total[c] - l];
        }
        if (proxy > bestProxy) {
          bestProxy = proxy;
          best.record(proxy, feature, p - from + 1, x, xNext);
        }
      }
      x = xNext;
    }
  }
}

export function classificationCriterion(
  name: ClassificationCriterionName,
  y: Int32Array,
  nClasses: number,
  weights?: Float64Array,
): GiniCriterion | EntropyCriterion {
  return name === 'gini'
    ? new GiniCriterion(y, nClasses, weights)
    : new EntropyCriterion(y, nClasses, weights);
}
