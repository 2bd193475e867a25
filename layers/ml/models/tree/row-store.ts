import type { SplitCandidate, SplitCriterion } from './criterion.ts';

/**
 * How the grower keeps each node's rows and gets them in feature order. Two strategies, same results:
 * PresortedRowStore keeps every feature sorted and partitions all of them at each split (cheapest when
 * most features are scanned at every node: a single tree), NodeSortingRowStore keeps one row list and
 * sorts only the drawn features per node (cheapest when few are: a random forest).
 *
 * A node is the segment `[start, end)` of the store's arrays plus an opaque `tag` the store hands to its
 * children (e.g. which of two buffers holds them).
 */
export interface RowStore {
  /** Loads the rows taking part (`inBag[i] > 0`, or all) with their criterion codes; returns their count. */
  load(criterion: SplitCriterion, inBag: ArrayLike<number> | undefined): number;
  /**
   * Loads the node into the criterion. `splitFeature` is the feature the parent split on (-1 at the root).
   */
  initNode(criterion: SplitCriterion, start: number, end: number, splitFeature: number, tag: number): void;
  /** Scans feature f for the node into `best`; returns false (and scans nothing) when f is constant there. */
  scan(
    criterion: SplitCriterion,
    feature: number,
    start: number,
    end: number,
    tag: number,
    minSamplesLeaf: number,
    best: SplitCandidate,
  ): boolean;
  /**
   * Arranges the node's rows so its left child is `[start, start + best.nLeft)` and its right child the
   * rest; `liveFeatures` are the features its subtree may still draw. `childrenSplittable` false means
   * both children will be leaves whatever their impurity. Returns the children's tag.
   */
  split(
    best: SplitCandidate,
    start: number,
    end: number,
    tag: number,
    liveFeatures: Int32Array,
    firstLive: number,
    childrenSplittable: boolean,
  ): number;
}
