/**
 * What a tree optimises, kept apart from how the tree is grown so classification (gini, entropy) and
 * regression on gradients (boosting) share one grower. A criterion owns the targets and sample weights.
 *
 * The grower keeps, next to every feature's sorted positions, a 32-bit code per row chosen by the
 * criterion (`rowCode`), so scans read labels sequentially instead of chasing row indices through
 * memory (random access was 3–5× slower). Classification packs class and whole-number weight into it;
 * a criterion with richer per-row data can simply use the row index and look its data up.
 *
 * The whole scan of one feature is one call, so the per-row hot loop lives inside the criterion.
 */
export interface SplitCriterion {
  /** Numbers stored per leaf: class probabilities for classification, one output for regression. */
  readonly valueWidth: number;
  /** The code stored for `row` (called once per row per tree, before growth). */
  rowCode(row: number): number;
  /** Loads the statistics of the node whose row codes are `codes[from..to)` (any order). */
  initNode(codes: Int32Array, from: number, to: number): void;
  /** Total sample weight of the loaded node. */
  nodeWeight(): number;
  /** Impurity of the loaded node (gini, entropy in bits, variance, …); 0 means nothing left to split. */
  nodeImpurity(): number;
  /** Writes the loaded node's leaf value at `out[offset .. offset + valueWidth)`. */
  writeLeafValue(out: Float64Array, offset: number): void;
  /**
   * Scans the loaded node's rows in ascending order of one feature — codes `codes[from..to)` with the
   * dense ranks of that feature's values `ranks[from..to)` — and records in `best` every split that beats
   * `best.proxy`. Splits fall only between distinct values and leave at least `minSamplesLeaf` rows on
   * each side; the proxy is any increasing function of the impurity decrease (only comparisons matter).
   */
  scanFeature(
    codes: Int32Array,
    ranks: Int32Array,
    from: number,
    to: number,
    minSamplesLeaf: number,
    feature: number,
    best: SplitCandidate,
  ): void;
}

/** The best split found so far at one node; reused across nodes to avoid allocation. */
export class SplitCandidate {
  proxy = Number.NEGATIVE_INFINITY;
  feature = -1;
  /** Rows sent left (a prefix of the feature's sorted rows). */
  nLeft = 0;
  /** Dense ranks of the last value sent left and the first sent right; the threshold lies between. */
  rankBelow = 0;
  rankAbove = 0;

  reset(): void {
    this.proxy = Number.NEGATIVE_INFINITY;
    this.feature = -1;
    this.nLeft = 0;
    this.rankBelow = 0;
    this.rankAbove = 0;
  }

  record(proxy: number, feature: number, nLeft: number, rankBelow: number, rankAbove: number): void {
    this.proxy = proxy;
    this.feature = feature;
    this.nLeft = nLeft;
    this.rankBelow = rankBelow;
    this.rankAbove = rankAbove;
  }
}

/** scikit-learn's threshold: the midpoint, falling back to the lower value when rounding reaches `above`. */
export function midpoint(below: number, above: number): number {
  const t = below / 2 + above / 2;
  return t === above || !Number.isFinite(t) ? below : t;
}
