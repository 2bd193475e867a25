/**
 * A fitted binary tree as flat typed arrays (scikit-learn's `tree_` layout). Node 0 is the root; an internal
 * node sends a row left when `row[feature] <= threshold` (walkers test `> threshold` for right, so a NaN,
 * which training never sees, goes left everywhere). Children are allocated in pairs, so
 * `right[i] === left[i] + 1` and every child index is greater than its parent's (which is what makes a
 * loaded tree safe to walk). Leaves have `feature = -1`, `left = right = -1`.
 *
 * `value` holds `valueWidth` numbers per node (class probabilities for classification, one output for
 * regression); only leaf values are meaningful — internal nodes keep zeros, which keeps artifacts small.
 */
export interface TreeNodes {
  readonly nodeCount: number;
  readonly valueWidth: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

export const LEAF = -1;

/** Growable node storage used while a tree is being built. */
export class NodeArrays {
  readonly valueWidth: number;
  nodeCount = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;

  constructor(valueWidth: number, capacity = 64) {
    this.valueWidth = valueWidth;
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity * valueWidth);
  }

  /** Appends `count` leaf nodes and returns the index of the first. */
  allocate(count: number): number {
    const first = this.nodeCount;
    const needed = first + count;
    if (needed > this.feature.length) this.grow(Math.max(needed, this.feature.length * 2));
    for (let i = first; i < needed; i++) {
      this.feature[i] = LEAF;
      this.left[i] = LEAF;
      this.right[i] = LEAF;
    }
    this.nodeCount = needed;
    return first;
  }

  setSplit(node: number, feature: number, threshold: number, left: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = left + 1;
  }

  /** Trimmed, immutable view of the finished tree. */
  finish(): TreeNodes {
    const n = this.nodeCount;
    return {
      nodeCount: n,
      valueWidth: this.valueWidth,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n * this.valueWidth),
    };
  }

  private grow(capacity: number): void {
    const copy = <T extends Int32Array | Float64Array>(src: T, dst: T): T => {
      dst.set(src);
      return dst;
    };
    this.feature = copy(this.feature, new Int32Array(capacity));
    this.threshold = copy(this.threshold, new Float64Array(capacity));
    this.left = copy(this.left, new Int32Array(capacity));
    this.right = copy(this.right, new Int32Array(capacity));
    this.value = copy(this.value, new Float64Array(capacity * this.valueWidth));
  }
}

/** Leaf reached by row i of a column-major matrix (`values[j * nRows + i]`). */
export function leafOfColumnMajorRow(
  tree: TreeNodes,
  values: Float64Array,
  nRows: number,
  i: number,
): number {
  const { feature, threshold, left, right } = tree;
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    node = values[f * nRows + i] > threshold[node] ? right[node] : left[node];
    f = feature[node];
  }
  return node;
}

/** Leaf reached by one row given as a dense feature vector. */
export function leafOfRow(tree: TreeNodes, row: Float64Array): number {
  const { feature, threshold, left, right } = tree;
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    node = row[f] > threshold[node] ? right[node] : left[node];
    f = feature[node];
  }
  return node;
}

/** Longest root-to-leaf path (edges), for diagnostics and tests. */
export function treeDepth(tree: TreeNodes): number {
  const depth = new Int32Array(tree.nodeCount);
  let max = 0;
  for (let i = 0; i < tree.nodeCount; i++) {
    if (tree.feature[i] < 0) continue;
    const d = depth[i] + 1;
    depth[tree.left[i]] = d;
    depth[tree.right[i]] = d;
    if (d > max) max = d;
  }
  return max;
}
