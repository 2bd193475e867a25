import { MlError } from '../../errors.ts';
import type { Random } from '../../random.ts';
import { type BoostedTree, TreeScratch } from './boosted-tree.ts';
import { HistogramBuilder } from './histogram.ts';
import type { BinnedFeatures } from './quantile-bins.ts';
import { findBestSplit, SplitCandidate, type SplitRule } from './split-search.ts';
import { Workspace } from './workspace.ts';

export interface TreeSettings extends SplitRule {
  readonly maxDepth: number;
  readonly learningRate: number;
}

/**
 * Grows one regression tree on binned features from per-row gradients and hessians, as xgboost's hist
 * updater: split search on per-node histograms, the smaller child's histogram built from its rows and the
 * larger one's obtained as parent − smaller, rows partitioned in place (stably, so each node's rows stay
 * ascending and the column reads move forward through memory).
 *
 * Nodes are expanded depth-first. Every split depends on its own node's rows only and there is no leaf
 * budget, so this yields exactly the tree of xgboost's depth-wise policy, while at most max_depth
 * histograms are alive at a time instead of a whole level's: when a node at depth t acquires its smaller
 * child's histogram (t ≤ max_depth − 2), its own is alive and so is at most one pending sibling's per
 * depth 1..t.
 *
 * The data-sized loops run as WebAssembly kernels in the fit's Workspace (histogram sums, split scans,
 * row partitions, margin updates); this class drives them. Everything sized by the data (row order,
 * histograms, margins, node arrays) is allocated once per fit and reused across trees; growing a tree
 * allocates only the finished tree's arrays.
 */
export class HistTreeBuilder {
  private readonly binned: BinnedFeatures;
  private readonly settings: TreeSettings;
  private readonly workspace: Workspace;
  private readonly histograms: HistogramBuilder;
  private readonly nodes = new TreeScratch();
  private readonly best = new SplitCandidate();
  /**
   * Row indices: rows[0..nSampled) take part in this tree, partitioned in place node by node. `rows` is
   * the first half of `rowBuffer` (a view on the workspace, where the kernels read it); the second half
   * holds the rows going right while a node is split, and copyWithin moves them back without allocating.
   */
  private readonly rowBuffer: Int32Array;
  private readonly rows: Int32Array;
  /** 0..nRows-1, copied into `rows` to restore ascending order before each tree. */
  private readonly allRows: Int32Array;
  private nSampled: number;
  /**
   * The boosting margins, `marginCount` rows of nRows (zero at first), a view on the workspace: `grow`
   * adds each tree's output to one of them there.
   */
  readonly margins: Float64Array;
  // The DFS stack, one slot per pending node.
  private readonly stackNode: Int32Array;
  private readonly stackStart: Int32Array;
  private readonly stackEnd: Int32Array;
  private readonly stackDepth: Int32Array;
  private readonly stackGrad: Float64Array;
  private readonly stackHess: Float64Array;
  private readonly stackHist: (Float64Array | undefined)[];

  constructor(binned: BinnedFeatures, settings: TreeSettings, marginCount: number) {
    this.binned = binned;
    this.settings = settings;
    const histogramCapacity = Math.max(1, settings.maxDepth);
    this.workspace = new Workspace(binned, histogramCapacity, marginCount);
    this.histograms = new HistogramBuilder(binned, this.workspace, histogramCapacity);
    const n = binned.nRows;
    this.rowBuffer = new Int32Array(this.workspace.buffer, this.workspace.rowsAt, 2 * n);
    this.margins = new Float64Array(
      this.workspace.buffer,
      this.workspace.marginsAt,
      this.workspace.marginBytes / 8,
    );
    this.rows = this.rowBuffer.subarray(0, n);
    this.allRows = new Int32Array(n);
    for (let i = 0; i < n; i++) this.allRows[i] = i;
    this.rows.set(this.allRows);
    this.nSampled = n;
    const depth = settings.maxDepth + 2;
    this.stackNode = new Int32Array(depth);
    this.stackStart = new Int32Array(depth);
    this.stackEnd = new Int32Array(depth);
    this.stackDepth = new Int32Array(depth);
    this.stackGrad = new Float64Array(depth);
    this.stackHess = new Float64Array(depth);
    this.stackHist = new Array<Float64Array | undefined>(depth).fill(undefined);
  }

  /**
   * Chooses the rows of the next tree: all of them, or each with probability `fraction` (xgboost's
   * subsample). Sampled rows come first, the others after them, each part ascending.
   */
  sampleRows(fraction: number, rng: Random | undefined): void {
    const n = this.binned.nRows;
    if (fraction >= 1 || rng === undefined) {
      this.rows.set(this.allRows);
      this.nSampled = n;
      return;
    }
    let kept = 0;
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      if (rng.next() < fraction) this.rows[kept++] = i;
      else this.rowBuffer[n + dropped++] = i;
    }
    this.rowBuffer.copyWithin(kept, n, n + dropped);
    this.nSampled = kept;
  }

  /**
   * Grows a tree on the sampled rows using the given features (ascending) and adds its output to
   * `margin` (a subarray of `margins`, nRows long) for every training row, sampled or not.
   */
  grow(gradHess: Float64Array, features: Int32Array, nActive: number, margin: Float64Array): BoostedTree {
    if (margin.buffer !== this.workspace.buffer || margin.length !== this.binned.nRows) {
      throw new MlError(
        'XGBoost: grow() adds to one class row of the builder’s own margins (builder.margins)',
      );
    }
    const { maxDepth } = this.settings;
    const { kernels, rowsAt, gradHessAt, resultAt, result } = this.workspace;
    const nodes = this.nodes;
    nodes.reset();
    const m = this.nSampled;
    const histograms = this.histograms;
    histograms.setGradients(gradHess);
    kernels.sumRows(gradHessAt, rowsAt, m, resultAt);
    const gradSum = result[0];
    const hessSum = result[1];
    const root = nodes.allocate(1);
    let rootHist: Float64Array | undefined;
    if (maxDepth > 0) {
      rootHist = histograms.acquire();
      histograms.build(rootHist, 0, m, m === this.binned.nRows, features, nActive);
    }
    let top = 0;
    this.push(top++, root, 0, m, 0, gradSum, hessSum, rootHist);
    while (top > 0) {
      top--;
      const node = this.stackNode[top];
      const start = this.stackStart[top];
      const end = this.stackEnd[top];
      const depth = this.stackDepth[top];
      const g = this.stackGrad[top];
      const h = this.stackHess[top];
      const hist = this.stackHist[top];
      this.stackHist[top] = undefined;
      const best = this.best;
      if (hist === undefined) {
        this.makeLeaf(node, start, end, g, h, margin);
        continue;
      }
      findBestSplit(hist, g, h, this.binned, features, nActive, this.settings, best, this.workspace);
      if (!best.found) {
        histograms.release(hist);
        this.makeLeaf(node, start, end, g, h, margin);
        continue;
      }
      const left = nodes.allocate(2);
      nodes.feature[node] = best.feature;
      nodes.threshold[node] = this.binned.cuts[this.binned.binOffset[best.feature] + best.bin];
      nodes.splitBin[node] = best.bin;
      nodes.left[node] = left;
      nodes.right[node] = left + 1;
      nodes.gain[node] = best.gain;
      const gl = best.gradLeft;
      const hl = best.hessLeft;
      if (depth + 1 >= maxDepth) {
        // Both children are leaves at the depth limit: credit their rows without partitioning them.
        histograms.release(hist);
        this.splitIntoLeaves(node, start, end, g, h, gl, hl, margin);
        continue;
      }
      const mid = this.partition(start, end, best.feature, best.bin);
      const small = histograms.acquire();
      const leftIsSmaller = mid - start <= end - mid;
      if (leftIsSmaller) histograms.build(small, start, mid, false, features, nActive);
      else histograms.build(small, mid, end, false, features, nActive);
      // The parent's buffer becomes the larger child's histogram.
      histograms.subtract(hist, small, features, nActive);
      const leftHist = leftIsSmaller ? small : hist;
      const rightHist = leftIsSmaller ? hist : small;
      this.push(top++, left + 1, mid, end, depth + 1, g - gl, h - hl, rightHist);
      this.push(top++, left, start, mid, depth + 1, gl, hl, leftHist);
    }
    if (m < this.binned.nRows) this.addToUnsampled(margin);
    return nodes.snapshot();
  }

  private push(
    slot: number,
    node: number,
    start: number,
    end: number,
    depth: number,
    g: number,
    h: number,
    hist: Float64Array | undefined,
  ): void {
    this.stackNode[slot] = node;
    this.stackStart[slot] = start;
    this.stackEnd[slot] = end;
    this.stackDepth[slot] = depth;
    this.stackGrad[slot] = g;
    this.stackHess[slot] = h;
    this.stackHist[slot] = hist;
  }

  /** Leaf weight −G/(H+λ) scaled by the learning rate (0 for a leaf without hessian and λ = 0). */
  private leafValue(g: number, h: number): number {
    const denominator = h + this.settings.lambda;
    return denominator > 0 ? (-g / denominator) * this.settings.learningRate : 0;
  }

  /** Makes `node` a leaf and adds its value to the margins of its rows. */
  private makeLeaf(
    node: number,
    start: number,
    end: number,
    g: number,
    h: number,
    margin: Float64Array,
  ): void {
    const value = this.leafValue(g, h);
    this.nodes.value[node] = value;
    const { kernels, rowsAt } = this.workspace;
    kernels.addToRows(margin.byteOffset, rowsAt + 4 * start, end - start, value);
  }

  /** Children of a split `node` (already set) that are both leaves: values set, rows credited in one pass. */
  private splitIntoLeaves(
    node: number,
    start: number,
    end: number,
    g: number,
    h: number,
    gl: number,
    hl: number,
    margin: Float64Array,
  ): void {
    const nodes = this.nodes;
    const left = nodes.left[node];
    const leftValue = this.leafValue(gl, hl);
    const rightValue = this.leafValue(g - gl, h - hl);
    nodes.value[left] = leftValue;
    nodes.value[left + 1] = rightValue;
    const { kernels, rowsAt, binsAt } = this.workspace;
    const col = binsAt + nodes.feature[node] * this.binned.nRows;
    const splitBin = nodes.splitBin[node];
    kernels.addSplitLeaves(
      margin.byteOffset,
      rowsAt + 4 * start,
      end - start,
      col,
      splitBin,
      leftValue,
      rightValue,
    );
  }

  /** Stable in-place partition of rows[start..end): bins ≤ splitBin first. Returns the boundary. */
  private partition(start: number, end: number, feature: number, splitBin: number): number {
    const { nRows } = this.binned;
    const { kernels, rowsAt, binsAt } = this.workspace;
    const scratch = rowsAt + 4 * nRows;
    const left = kernels.partitionRows(
      rowsAt + 4 * start,
      end - start,
      scratch,
      binsAt + feature * nRows,
      splitBin,
    );
    const mid = start + left;
    this.rowBuffer.copyWithin(mid, nRows, nRows + (end - mid));
    return mid;
  }

  /** Rows left out by subsampling still get the tree's output (walked on their bins). */
  private addToUnsampled(margin: Float64Array): void {
    const { bins, nRows } = this.binned;
    const { feature, left, splitBin, value } = this.nodes;
    for (let k = this.nSampled; k < nRows; k++) {
      const row = this.rows[k];
      let node = 0;
      while (feature[node] >= 0) {
        node = bins[feature[node] * nRows + row] <= splitBin[node] ? left[node] : left[node] + 1;
      }
      margin[row] += value[node];
    }
  }
}
