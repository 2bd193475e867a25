/**
 * One regression tree of the ensemble as flat arrays. Node 0 is the root; an internal node sends a row
 * left when `row[feature] < threshold` (xgboost's test; a NaN, which training never sees, goes left),
 * children come in pairs (`right = left + 1`, both after their parent). Leaves have feature −1,
 * left = right = −1 and their output (already scaled by the learning rate) in `value`; `gain` is the
 * loss change of an internal node's split (0 at leaves), kept for the 'gain' importances.
 */
export interface BoostedTree {
  readonly nodeCount: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly gain: Float64Array;
}

export const LEAF = -1;

/** Node storage reused across the trees of one fit; `snapshot` copies a finished tree out. */
export class TreeScratch {
  nodeCount = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  gain: Float64Array;
  /** Split bin of internal nodes (bins ≤ splitBin go left): routes binned training rows. */
  splitBin: Int32Array;

  constructor(capacity = 128) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.gain = new Float64Array(capacity);
    this.splitBin = new Int32Array(capacity);
  }

  reset(): void {
    this.nodeCount = 0;
  }

  /** Appends `count` leaves and returns the index of the first. */
  allocate(count: number): number {
    const first = this.nodeCount;
    const needed = first + count;
    if (needed > this.feature.length) this.grow(Math.max(needed, this.feature.length * 2));
    for (let i = first; i < needed; i++) {
      this.feature[i] = LEAF;
      this.threshold[i] = 0;
      this.left[i] = LEAF;
      this.right[i] = LEAF;
      this.value[i] = 0;
      this.gain[i] = 0;
      this.splitBin[i] = 0;
    }
    this.nodeCount = needed;
    return first;
  }

  snapshot(): BoostedTree {
    const n = this.nodeCount;
    return {
      nodeCount: n,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n),
      gain: this.gain.slice(0, n),
    };
  }

  private grow(capacity: number): void {
    const widen = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.feature = widen(this.feature, (n) => new Int32Array(n));
    this.threshold = widen(this.threshold, (n) => new Float64Array(n));
    this.left = widen(this.left, (n) => new Int32Array(n));
    this.right = widen(this.right, (n) => new Int32Array(n));
    this.value = widen(this.value, (n) => new Float64Array(n));
    this.gain = widen(this.gain, (n) => new Float64Array(n));
    this.splitBin = widen(this.splitBin, (n) => new Int32Array(n));
  }
}
