import type { Random } from '../../random.ts';
import { midpoint, SplitCandidate, type SplitCriterion } from './criterion.ts';
import { NodeSortingRowStore } from './node-sorting-row-store.ts';
import { NodeArrays, type TreeNodes } from './nodes.ts';
import type { PresortedFeatures } from './presort.ts';
import { PresortedRowStore } from './presorted-row-store.ts';
import type { RowStore } from './row-store.ts';

/** Resolved growth limits (scikit-learn's names in camelCase; `maxDepth` is Infinity when unlimited). */
export interface GrowthLimits {
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features drawn per node, 1..nFeatures. */
  readonly maxFeatures: number;
}

export interface GrownTree {
  readonly nodes: TreeNodes;
  /**
   * Mean decrease in impurity per feature (weighted by node sample weight), normalised to sum 1 as
   * scikit-learn's `feature_importances_`; all zeros for a tree that is a single leaf.
   */
  readonly importances: Float64Array;
  /**
   * The same decreases divided by the root's sample weight but not normalised (scikit-learn's
   * `compute_feature_importances(normalize=False)`), which gradient boosting averages across trees.
   */
  readonly impurityDecrease: Float64Array;
}

/** scikit-learn's EPSILON for "this node is already pure". */
const PURE = 2.220446049250313e-16;

// Stack record fields (Int32Array, STACK_FIELDS per entry).
const S_START = 0;
const S_END = 1;
const S_DEPTH = 2;
const S_NODE = 3;
const S_CONSTANTS = 4;
const S_PARENT_FEATURE = 5;
const S_TAG = 6;
const STACK_FIELDS = 7;

/** Per-node sorting is used when fewer than 1/NODE_SORTING_SHARE of the features are drawn per node. */
const NODE_SORTING_SHARE = 2;

/** Which row store grows the tree; 'auto' picks by the share of features drawn per node. */
export type RowStrategy = 'auto' | 'presorted' | 'node-sorting';

/**
 * Exact CART growth, depth first (scikit-learn's DepthFirstTreeBuilder + BestSplitter): at each node,
 * features are drawn as scikit-learn does — without replacement, continuing past `maxFeatures` only while
 * every drawn feature was constant — and the best threshold over them is taken. Features found constant in
 * a node are remembered for its subtree (never drawn again, never moved again). Rows are kept by a
 * RowStore; both stores give the same tree.
 *
 * One grower serves every tree fitted on the same matrix: its working buffers are allocated once.
 */
export class TreeGrower {
  private readonly nFeatures: number;
  private readonly presorted: PresortedFeatures;
  private readonly strategy: RowStrategy;
  private presortedStore: PresortedRowStore | undefined;
  private sortingStore: NodeSortingRowStore | undefined;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private readonly best = new SplitCandidate();
  private stack = new Int32Array(64 * STACK_FIELDS);

  /** `presorted` comes from presortFeatures on the matrix the trees are grown on. */
  constructor(presorted: PresortedFeatures, strategy: RowStrategy = 'auto') {
    this.nFeatures = presorted.nFeatures;
    this.presorted = presorted;
    this.strategy = strategy;
    this.features = new Int32Array(this.nFeatures);
    this.constantFeatures = new Int32Array(this.nFeatures);
  }

  /**
   * Grows one tree. `inBag` says which rows take part (`inBag[i] > 0`, e.g. bootstrap counts); undefined
   * means every row. The criterion must accept every taking-part row in rowCode.
   */
  grow(criterion: SplitCriterion, limits: GrowthLimits, rng: Random, inBag?: ArrayLike<number>): GrownTree {
    const store = this.storeFor(limits);
    const m = store.load(criterion, inBag);
    const d = this.nFeatures;
    const n = this.presorted.nRows;
    const features = this.features;
    for (let j = 0; j < d; j++) features[j] = j;
    this.constantFeatures.fill(0);

    const width = criterion.valueWidth;
    const nodes = new NodeArrays(width, Math.max(64, Math.min(2 * m, 1 << 16)));
    const importances = new Float64Array(d);
    const { minSamplesLeaf, minSamplesSplit, maxDepth } = limits;
    const minRowsToSplit = Math.max(minSamplesSplit, 2 * minSamplesLeaf);
    const { distinct } = this.presorted;
    const best = this.best;
    let rootWeight = 0;

    nodes.allocate(1);
    let top = this.push(0, 0, m, 0, 0, 0, -1, 0);
    while (top > 0) {
      top--;
      const s = this.stack;
      const base = top * STACK_FIELDS;
      const start = s[base + S_START];
      const end = s[base + S_END];
      const depth = s[base + S_DEPTH];
      const node = s[base + S_NODE];
      const nKnownConstants = s[base + S_CONSTANTS];
      const parentFeature = s[base + S_PARENT_FEATURE];
      const tag = s[base + S_TAG];

      store.initNode(criterion, start, end, parentFeature, tag);
      const weight = criterion.nodeWeight();
      const impurity = criterion.nodeImpurity();
      if (parentFeature >= 0) importances[parentFeature] -= weight * impurity;
      else rootWeight = weight;

      const count = end - start;
      let leaf = depth >= maxDepth || count < minRowsToSplit || impurity <= PURE;
      let nTotalConstants = nKnownConstants;
      if (!leaf) {
        nTotalConstants = this.findSplit(store, criterion, start, end, tag, nKnownConstants, limits, rng);
        leaf = best.feature < 0;
      }
      if (leaf) {
        criterion.writeLeafValue(nodes.value, node * width);
        continue;
      }

      const f = best.feature;
      const nLeft = best.nLeft;
      importances[f] += weight * impurity;
      const leftChild = nodes.allocate(2);
      const fo = f * n;
      nodes.setSplit(
        node,
        f,
        midpoint(distinct[fo + best.rankBelow], distinct[fo + best.rankAbove]),
        leftChild,
      );
      const childrenSplittable =
        depth + 1 < maxDepth && (nLeft >= minRowsToSplit || count - nLeft >= minRowsToSplit);
      const childTag = store.split(best, start, end, tag, features, nTotalConstants, childrenSplittable);
      // Right pushed first so the left subtree is grown first.
      top = this.push(top, start + nLeft, end, depth + 1, leftChild + 1, nTotalConstants, f, childTag);
      top = this.push(top, start, start + nLeft, depth + 1, leftChild, nTotalConstants, f, childTag);
    }

    let sum = 0;
    for (let j = 0; j < d; j++) {
      importances[j] = rootWeight > 0 ? importances[j] / rootWeight : 0;
      sum += importances[j];
    }
    const impurityDecrease = importances.slice();
    if (sum > 0) for (let j = 0; j < d; j++) importances[j] /= sum;
    return { nodes: nodes.finish(), importances, impurityDecrease };
  }

  private storeFor(limits: GrowthLimits): RowStore {
    // Moving every feature at each split pays off only when most of them are scanned at every node anyway
    // (a single tree); a forest drawing sqrt(d) features is ~1.6× faster sorting per node (80k × 20).
    const sorting =
      this.strategy === 'node-sorting' ||
      (this.strategy === 'auto' && limits.maxFeatures * NODE_SORTING_SHARE < this.nFeatures);
    if (sorting) {
      this.sortingStore ??= new NodeSortingRowStore(this.presorted);
      return this.sortingStore;
    }
    this.presortedStore ??= new PresortedRowStore(this.presorted);
    return this.presortedStore;
  }

  /**
   * Fills this.best with the best split among drawn features; returns how many entries at the front of
   * `features` are known constant for this node's subtree.
   */
  private findSplit(
    store: RowStore,
    criterion: SplitCriterion,
    start: number,
    end: number,
    tag: number,
    nKnownConstants: number,
    limits: GrowthLimits,
    rng: Random,
  ): number {
    const { features, best } = this;
    const maxFeatures = limits.maxFeatures;
    const minLeaf = limits.minSamplesLeaf;
    best.reset();
    let fI = this.nFeatures;
    let nVisited = 0;
    let nFoundConstants = 0;
    let nDrawnConstants = 0;
    let nTotalConstants = nKnownConstants;
    while (
      fI > nTotalConstants &&
      (nVisited < maxFeatures || nVisited <= nFoundConstants + nDrawnConstants)
    ) {
      nVisited++;
      let fJ = nDrawnConstants + rng.int(fI - nFoundConstants - nDrawnConstants);
      if (fJ < nKnownConstants) {
        swap(features, fJ, nDrawnConstants);
        nDrawnConstants++;
        continue;
      }
      fJ += nFoundConstants;
      if (!store.scan(criterion, features[fJ], start, end, tag, minLeaf, best)) {
        swap(features, fJ, nTotalConstants);
        nFoundConstants++;
        nTotalConstants++;
        continue;
      }
      fI--;
      swap(features, fI, fJ);
    }
    // As scikit-learn: restore the known constants' order (siblings and descendants rely on the prefix)
    // and remember the newly found ones for the descendants.
    const constants = this.constantFeatures;
    for (let k = 0; k < nKnownConstants; k++) features[k] = constants[k];
    for (let k = nKnownConstants; k < nTotalConstants; k++) constants[k] = features[k];
    return nTotalConstants;
  }

  private push(
    top: number,
    start: number,
    end: number,
    depth: number,
    node: number,
    nConstants: number,
    parentFeature: number,
    tag: number,
  ): number {
    if ((top + 1) * STACK_FIELDS > this.stack.length) {
      const bigger = new Int32Array(this.stack.length * 2);
      bigger.set(this.stack);
      this.stack = bigger;
    }
    const b = top * STACK_FIELDS;
    const s = this.stack;
    s[b + S_START] = start;
    s[b + S_END] = end;
    s[b + S_DEPTH] = depth;
    s[b + S_NODE] = node;
    s[b + S_CONSTANTS] = nConstants;
    s[b + S_PARENT_FEATURE] = parentFeature;
    s[b + S_TAG] = tag;
    return top + 1;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
