import { blockedSlots } from './block-layout.ts';
import type { TreeNodes } from './nodes.ts';
import { type RankOptions, ThresholdRanks } from './threshold-ranks.ts';
import { type HeaderField, headerOffset, SLOTS_AT } from './wasm/forest-header.ts';
import { createForestMemory, type ForestMemory, forestKernels } from './wasm/forest-instance.ts';
import type { ForestKernels } from './wasm/forest-kernels.ts';

/** Rows a batch walks together tree by tree (a chunk's bounds and leaves stay small). */
const BATCH_ROWS = 4096;

/**
 * All trees of an ensemble packed into WebAssembly memory for serving; predicting one row allocates
 * nothing and makes one wasm call.
 *
 * Slot s (byte SLOTS_AT + 8s) is two int32s, `code` then `child`:
 * - internal node: code ≥ 0 encodes the test `x[f] > threshold` (ThresholdRanks): the row goes right iff
 *   code < bounds[code & slotMask], the bounds computed once per row from its threshold ranks — the very
 *   same decision as the float test; child is the slot of the left child, the right child is at child + 1;
 * - leaf: code = ~(offset of its values in the leaf values), so negative.
 * The last slot, `idle`, always goes left to itself: it parks walk lanes that have nothing left to do.
 * 8-byte nodes (half the 16 bytes a float64 threshold needs) in blocks of two levels (block-layout.ts):
 * on a 100-tree forest grown on 64k rows a row's walks cross 1,089 cache lines instead of 1,496.
 * Ranking, walking and summing are wasm kernels (wasm/forest-kernels.ts); each row's leaf values are
 * summed in tree order, so results are bit-identical to a plain tree-by-tree walk.
 */
export class PackedForest {
  readonly nTrees: number;
  readonly valueWidth: number;
  private readonly ranks: ThresholdRanks;
  private memory: ForestMemory;
  private kernels: ForestKernels;
  /** Views of the memory; replaced with it when a batch needs more room. */
  private heap: Int32Array;
  private heapF64: Float64Array;
  /** Byte offsets of the memory's regions (also in the header, for the kernels). */
  private readonly at: Readonly<Record<Region, number>>;

  /**
   * `options` go to ThresholdRanks (tests force threshold chunks; a loaded forest passes its thresholds);
   * `splitRanks`, with `thresholds`, give per tree per internal node its threshold's index among its
   * feature's thresholds, sparing a search per node.
   */
  constructor(trees: readonly TreeNodes[], valueWidth: number, options: PackOptions = {}) {
    this.nTrees = trees.length;
    this.valueWidth = valueWidth;
    this.ranks = new ThresholdRanks(trees, options);
    const { layouts, idle, leafCount } = layOut(trees);
    const search = this.ranks.search;
    const n = search.starts.length;
    const slots = search.slotSearch.length;
    this.at = regions(SLOTS_AT + 8 * (idle + 1), {
      values: 8 * leafCount * valueWidth,
      tables: 8 * search.tables.length,
      starts: 4 * n,
      features: 4 * n,
      rounds: 4 * search.rounds.length,
      slotSearch: 4 * slots,
      slotStart: 4 * slots,
      slotLength: 4 * slots,
      roots: 4 * trees.length,
      rowBounds: 4 * this.ranks.width,
      rowLeaves: 4 * trees.length,
      position: 4 * n,
      wanted: 8 * n,
      row: 8 * search.rowWidth,
      rowOut: 8 * valueWidth,
      batch: 0,
    });
    this.memory = createForestMemory(this.at.batch);
    this.kernels = forestKernels(this.memory);
    this.heap = new Int32Array(this.memory.buffer);
    this.heapF64 = new Float64Array(this.memory.buffer);
    this.writeHeader(idle);
    this.writeSearch();
    this.writeSlots(trees, layouts, idle, options.thresholds === undefined ? undefined : options.splitRanks);
  }

  /** Mean of the trees' leaf values for one dense row, written to out[0..valueWidth). */
  meanRow(row: Float64Array, out: Float64Array): void {
    const { heapF64, at, nTrees, valueWidth: w } = this;
    const rowAt = at.row >> 3;
    for (let j = 0; j < this.ranks.search.rowWidth; j++) heapF64[rowAt + j] = row[j];
    this.kernels.predictRow();
    const outAt = at.rowOut >> 3;
    for (let k = 0; k < w; k++) out[k] = heapF64[outAt + k] / nTrees;
  }

  /**
   * Makes the memory at least `bytes` long by replacing it with a larger copy, never `memory.grow()`:
   * growing detaches the old ArrayBuffer, and one detach anywhere makes V8 add a detach check to every
   * typed-array access in the process from then on.
   */
  private ensureRoom(bytes: number): void {
    if (bytes <= this.memory.buffer.byteLength) return;
    const larger = createForestMemory(bytes);
    new Uint8Array(larger.buffer).set(new Uint8Array(this.memory.buffer));
    this.memory = larger;
    this.kernels = forestKernels(larger);
    this.heap = new Int32Array(larger.buffer);
    this.heapF64 = new Float64Array(larger.buffer);
  }

  /** Mean leaf values for every row of a column-major matrix, row-major `nRows × valueWidth`. */
  meanColumnMajor(x: Float64Array, nRows: number): Float64Array {
    const { at, nTrees, valueWidth: w } = this;
    // Each row's bounds at a power-of-two stride, so the walk finds a lane's row with a shift.
    let strideBits = 0;
    while (1 << strideBits < this.ranks.width) strideBits++;
    const chunk = Math.min(nRows, BATCH_ROWS);
    const boundsAt = at.batch;
    const leavesAt = boundsAt + 4 * (chunk << strideBits);
    const sumsAt = Math.ceil((leavesAt + 4 * chunk) / 8) * 8;
    this.ensureRoom(sumsAt + 8 * chunk * w);
    const { heap, heapF64 } = this;
    const rowAt = at.row >> 3;
    const rowWidth = this.ranks.search.rowWidth;
    const out = new Float64Array(nRows * w);
    const roots = at.roots >> 2;
    for (let first = 0; first < nRows; first += chunk) {
      const n = Math.min(chunk, nRows - first);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < rowWidth; j++) heapF64[rowAt + j] = x[j * nRows + first + i];
        this.kernels.rankRow(boundsAt + ((4 * i) << strideBits));
      }
      heapF64.fill(0, sumsAt >> 3, (sumsAt >> 3) + n * w);
      // Tree by tree: one tree's blocks stay in cache while the chunk's rows stream past.
      for (let t = 0; t < nTrees; t++) {
        this.kernels.walkRows(heap[roots + t], n, boundsAt, strideBits, leavesAt);
        this.kernels.addLeaves(leavesAt, n, sumsAt, w);
      }
      for (let k = 0; k < n * w; k++) out[first * w + k] = heapF64[(sumsAt >> 3) + k] / nTrees;
    }
    return out;
  }

  private writeHeader(idle: number): void {
    const { heap, at, ranks } = this;
    const set = (field: HeaderField, value: number) => {
      heap[headerOffset(field) >> 2] = value;
    };
    for (const region of REGIONS_IN_HEADER) set(region, at[region]);
    set('nRounds', ranks.search.rounds.length / 2);
    set('nSearches', ranks.search.starts.length);
    set('nSlots', ranks.search.slotSearch.length);
    set('shift', ranks.slotBits);
    set('nTrees', this.nTrees);
    set('mask', (1 << ranks.slotBits) - 1);
    set('idle', idle);
    set('valueWidth', this.valueWidth);
  }

  private writeSearch(): void {
    const { heap, at } = this;
    const search = this.ranks.search;
    this.heapF64.set(search.tables, at.tables >> 3);
    heap.set(search.starts, at.starts >> 2);
    heap.set(search.features, at.features >> 2);
    heap.set(search.rounds, at.rounds >> 2);
    heap.set(search.slotSearch, at.slotSearch >> 2);
    heap.set(search.slotStart, at.slotStart >> 2);
    heap.set(search.slotLength, at.slotLength >> 2);
  }

  private writeSlots(
    trees: readonly TreeNodes[],
    layouts: readonly Int32Array[],
    idle: number,
    splitRanks: readonly Int32Array[] | undefined,
  ): void {
    const { heap, ranks } = this;
    const slot0 = SLOTS_AT >> 2;
    const rootsAt = this.at.roots >> 2;
    // With the ranks known and no feature split into chunks, a code is the rank and the feature's slot.
    const slotOfFeature = splitRanks !== undefined && !ranks.chunked ? ranks.slotsOfFeatures() : undefined;
    let offset = 0;
    // One call per tree: V8 optimises writeTree as a hot function, where a loop over trees around the
    // node loop was entered on-stack and deoptimised at each tree's end.
    for (let k = 0; k < trees.length; k++) {
      heap[rootsAt + k] = layouts[k][0];
      offset = this.writeTree(trees[k], layouts[k], offset, splitRanks?.[k], slotOfFeature);
    }
    heap[slot0 + 2 * idle] = this.ranks.alwaysLeft;
    heap[slot0 + 2 * idle + 1] = idle;
  }

  /** One tree's slots and leaf values (from element `offset` of the values); returns the next offset. */
  private writeTree(
    tree: TreeNodes,
    slots: Int32Array,
    offset: number,
    rank: Int32Array | undefined,
    slotOfFeature: Int32Array | undefined,
  ): number {
    const { heap, heapF64, ranks, valueWidth: w } = this;
    const { nodeCount, feature, threshold, left, value } = tree;
    const slot0 = SLOTS_AT >> 2;
    const valuesAt = this.at.values >> 3;
    const shift = ranks.slotBits;
    let next = offset;
    for (let i = 0; i < nodeCount; i++) {
      const s = slots[i];
      if (s < 0) continue;
      const f = feature[i];
      if (f >= 0) {
        heap[slot0 + 2 * s] =
          rank === undefined
            ? ranks.code(f, threshold[i])
            : slotOfFeature === undefined
              ? ranks.codeOfRank(f, rank[i])
              : (rank[i] << shift) | slotOfFeature[f];
        heap[slot0 + 2 * s + 1] = slots[left[i]];
      } else {
        heap[slot0 + 2 * s] = ~next;
        for (let c = 0; c < w; c++) heapF64[valuesAt + next + c] = value[i * w + c];
        next += w;
      }
    }
    return next;
  }
}

export interface PackOptions extends RankOptions {
  readonly splitRanks?: readonly Int32Array[];
}

/** Every tree's slots one after another; `idle` is the slot after them, `leafCount` the leaves placed. */
function layOut(trees: readonly TreeNodes[]): { layouts: Int32Array[]; idle: number; leafCount: number } {
  let total = 0;
  let largest = 0;
  for (const t of trees) {
    total += t.nodeCount;
    largest = Math.max(largest, t.nodeCount);
  }
  // One allocation for every tree's layout: a forest has hundreds of small trees.
  const all = new Int32Array(total).fill(-1);
  const pending = new Int32Array(largest + 1);
  const layouts: Int32Array[] = [];
  let next = 0;
  let leafCount = 0;
  let start = 0;
  for (const t of trees) {
    const slots = all.subarray(start, start + t.nodeCount);
    start += t.nodeCount;
    const { end, leaves } = blockedSlots(t, next, { slots, pending });
    layouts.push(slots);
    next = end;
    leafCount += leaves;
  }
  return { layouts, idle: next, leafCount };
}

type Region =
  | 'values'
  | 'tables'
  | 'starts'
  | 'features'
  | 'rounds'
  | 'slotSearch'
  | 'slotStart'
  | 'slotLength'
  | 'roots'
  | 'rowBounds'
  | 'rowLeaves'
  | 'position'
  | 'wanted'
  | 'row'
  | 'rowOut'
  | 'batch';

/** The regions the kernels find through the header. */
const REGIONS_IN_HEADER = [
  'tables',
  'starts',
  'features',
  'rounds',
  'slotSearch',
  'slotStart',
  'slotLength',
  'row',
  'position',
  'wanted',
  'roots',
  'rowBounds',
  'rowLeaves',
  'values',
  'rowOut',
] as const satisfies ReadonlyArray<Region & HeaderField>;

/** Consecutive byte offsets for regions of the given sizes from `start`, each 8-byte aligned. */
function regions(start: number, sizes: Readonly<Record<Region, number>>): Record<Region, number> {
  let next = start;
  const at = {} as Record<Region, number>;
  for (const [region, bytes] of Object.entries(sizes) as Array<[Region, number]>) {
    next = Math.ceil(next / 8) * 8;
    at[region] = next;
    next += bytes;
  }
  return at;
}
