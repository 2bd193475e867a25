import { MlError } from '../../errors.ts';
import type { TreeNodes } from './nodes.ts';

/**
 * Exact integer stand-ins for a forest's `x[f] > threshold` tests, so a packed node needs no float64
 * threshold and a step is one int32 comparison.
 *
 * Per feature f, the forest's distinct thresholds sorted ascending: S[0] < S[1] < … For a row, let
 * c = #{k : S[k] < x[f]}, the rank of x[f]. The S[k] below x[f] are a prefix of S, so S[r] < x[f] ⇔ r < c:
 * a node (f, S[r]) sends the row right exactly when r < c. That holds for ±Infinity too, and a NaN gets
 * c = 0 and goes left everywhere, as `NaN > threshold` does.
 *
 * A node's code is r·2^slotBits + slot and the row's bound for that slot is c·2^slotBits; since
 * slot < 2^slotBits, r < c ⇔ code < bound: the walk compares the code itself, no unpacking. A slot is a
 * feature or, when a feature has more thresholds than the rank bits can count, one chunk of them: for a
 * chunk holding S[s … s+n), the row's rank is clamp(c − s, 0, n), and for s ≤ r < s+n,
 * r − s < clamp(c − s, 0, n) ⇔ r < c.
 *
 * A row's ranks come from binary searches over each used feature's thresholds padded with +Infinity to
 * a power of two (`search`, run by the rankRow kernel): position p starts at the table's start and, for
 * step = size/2, …, 1, advances by step when table[p + step − 1] < x. Searches run in lock step, largest
 * tables first and smaller ones joining as the step shrinks, so their loads overlap. Slots are numbered
 * in search order.
 */
export class ThresholdRanks {
  /** Low bits of a code that hold the slot. */
  readonly slotBits: number;
  /** Length of a row's bound vector (at least 1, so a lookup of slot 0 stays in bounds). */
  readonly width: number;
  /** A code whose test sends every row left: no bound exceeds it. */
  readonly alwaysLeft: number;
  /** The binary searches (one per feature the trees use) and the slots they feed. */
  readonly search: RankSearch;
  /** Whether some feature is split into several slots. */
  readonly chunked: boolean;
  private readonly chunkCapacity: number;
  /** Search of each feature, -1 for features no tree tests. */
  private readonly searchOfFeature: Int32Array;
  private readonly firstSlot: Int32Array;
  private readonly sorted: readonly Float64Array[];

  /**
   * `maxRankBits` lowers the rank field's width (tests use it to force chunking). `thresholds`, when the
   * caller has them (a loaded forest stores them), are per feature the distinct thresholds ascending,
   * every tested one among them: they spare collecting and sorting the trees' thresholds.
   */
  constructor(trees: readonly TreeNodes[], options: RankOptions = {}) {
    const byFeature =
      options.thresholds === undefined ? distinctThresholds(trees) : givenThresholds(options.thresholds);
    const features = [...byFeature.keys()];
    const padded = (f: number) => paddedSize(byFeature.get(f)?.length ?? 0);
    features.sort((a, b) => padded(b) - padded(a) || a - b);
    this.sorted = features.map((f) => byFeature.get(f) ?? new Float64Array(0));
    const counts = this.sorted.map((s) => s.length);
    const { slotBits, rankBits } = chooseBits(counts, options.maxRankBits ?? 31);
    this.slotBits = slotBits;
    this.chunkCapacity = 2 ** rankBits - 1;
    this.alwaysLeft = this.chunkCapacity * 2 ** slotBits;

    const n = features.length;
    const rowWidth = n > 0 ? Math.max(...features) + 1 : 0;
    this.searchOfFeature = new Int32Array(rowWidth).fill(-1);
    features.forEach((f, q) => {
      this.searchOfFeature[f] = q;
    });
    const starts = new Int32Array(n + 1);
    for (let q = 0; q < n; q++) starts[q + 1] = starts[q] + paddedSize(counts[q]);
    const tables = new Float64Array(starts[n]).fill(Number.POSITIVE_INFINITY);
    for (let q = 0; q < n; q++) tables.set(this.sorted[q], starts[q]);
    const rounds: number[] = [];
    for (let step = n > 0 ? paddedSize(counts[0]) / 2 : 0; step >= 1; step /= 2) {
      let running = 0;
      while (running < n && paddedSize(counts[running]) > step) running++;
      rounds.push(step, running);
    }
    const slotSearch: number[] = [];
    const slotStart: number[] = [];
    const slotLength: number[] = [];
    this.firstSlot = new Int32Array(n);
    for (let q = 0; q < n; q++) {
      this.firstSlot[q] = slotSearch.length;
      for (let s = 0; s < counts[q]; s += this.chunkCapacity) {
        slotSearch.push(q);
        slotStart.push(s);
        slotLength.push(Math.min(this.chunkCapacity, counts[q] - s));
      }
    }
    this.chunked = slotSearch.length > n;
    this.width = Math.max(1, slotSearch.length);
    this.search = {
      tables,
      starts: starts.slice(0, n),
      features: Int32Array.from(features),
      rounds: Int32Array.from(rounds),
      rowWidth,
      slotSearch: Int32Array.from(slotSearch),
      slotStart: Int32Array.from(slotStart),
      slotLength: Int32Array.from(slotLength),
    };
  }

  /** The code of the test `x[feature] > threshold` (a threshold of the trees this was built from). */
  code(feature: number, threshold: number): number {
    const q = feature < this.searchOfFeature.length ? this.searchOfFeature[feature] : -1;
    const rank = q < 0 ? -1 : lowerBound(this.sorted[q], threshold);
    if (q < 0 || this.sorted[q][rank] !== threshold) {
      throw new MlError('ThresholdRanks: threshold not among the forest thresholds', { feature, threshold });
    }
    return this.codeOfSearchRank(q, rank);
  }

  /**
   * The code of the test `x[feature] > thresholds[feature][rank]`, for the `thresholds` this was built
   * from (no search: a loaded forest knows each node's rank).
   */
  codeOfRank(feature: number, rank: number): number {
    const q = feature < this.searchOfFeature.length ? this.searchOfFeature[feature] : -1;
    if (q < 0 || !(rank >= 0 && rank < this.sorted[q].length)) {
      throw new MlError('ThresholdRanks: no such threshold rank', { feature, rank });
    }
    return this.codeOfSearchRank(q, rank);
  }

  /**
   * Per feature its first slot (-1 for features no tree tests): with no feature `chunked`, the code of
   * threshold rank r of feature f is r << slotBits | slotsOfFeatures()[f].
   */
  slotsOfFeatures(): Int32Array {
    return Int32Array.from(this.searchOfFeature, (q) => (q < 0 ? -1 : this.firstSlot[q]));
  }

  private codeOfSearchRank(q: number, rank: number): number {
    const chunk = Math.floor(rank / this.chunkCapacity);
    return ((rank - chunk * this.chunkCapacity) << this.slotBits) | (this.firstSlot[q] + chunk);
  }
}

export interface RankOptions {
  readonly maxRankBits?: number;
  readonly thresholds?: readonly Float64Array[];
}

/** What the rankRow kernel searches; `starts` and positions count table elements (f64s). */
export interface RankSearch {
  /** Every search's table, padded with +Infinity to a power of two, one after another. */
  readonly tables: Float64Array;
  /** Where search q's table starts. */
  readonly starts: Int32Array;
  /** The row feature search q ranks. */
  readonly features: Int32Array;
  /** (step, searches still running) pairs, step halving from the largest table's half down to 1. */
  readonly rounds: Int32Array;
  /** Features a row must provide: the largest searched feature + 1. */
  readonly rowWidth: number;
  /**
   * Per slot: the search it reads, and its chunk of that search's thresholds (start, length). A row's
   * bound for slot s is clamp(c − slotStart[s], 0, slotLength[s]) << slotBits, c the search's rank. (The
   * clamp changes no test, a node's r − s lies in [0, length); it keeps the bound inside int32.)
   */
  readonly slotSearch: Int32Array;
  readonly slotStart: Int32Array;
  readonly slotLength: Int32Array;
}

/** Per feature the trees test: its distinct thresholds, ascending. */
function distinctThresholds(trees: readonly TreeNodes[]): Map<number, Float64Array> {
  let width = 0;
  for (const t of trees) for (let i = 0; i < t.nodeCount; i++) width = Math.max(width, t.feature[i] + 1);
  const counts = new Int32Array(width);
  for (const t of trees) {
    for (let i = 0; i < t.nodeCount; i++) {
      const f = t.feature[i];
      if (f < 0) continue;
      if (!Number.isFinite(t.threshold[i])) {
        throw new MlError('ThresholdRanks: thresholds must be finite', { feature: f, node: i });
      }
      counts[f]++;
    }
  }
  const lists = Array.from(counts, (c) => new Float64Array(c));
  const filled = new Int32Array(width);
  for (const t of trees) {
    for (let i = 0; i < t.nodeCount; i++) {
      const f = t.feature[i];
      if (f >= 0) lists[f][filled[f]++] = t.threshold[i];
    }
  }
  const distinct = new Map<number, Float64Array>();
  lists.forEach((sorted, f) => {
    if (sorted.length === 0) return;
    sorted.sort();
    let n = 0;
    // -0 and 0 merge: every comparison treats them alike.
    for (let k = 0; k < sorted.length; k++)
      if (n === 0 || sorted[k] !== sorted[n - 1]) sorted[n++] = sorted[k];
    distinct.set(f, sorted.slice(0, n));
  });
  return distinct;
}

/** The caller's per-feature tables, checked as distinctThresholds would have built them. */
function givenThresholds(tables: readonly Float64Array[]): Map<number, Float64Array> {
  const byFeature = new Map<number, Float64Array>();
  tables.forEach((table, f) => {
    for (let k = 0; k < table.length; k++) {
      if (!Number.isFinite(table[k]) || (k > 0 && !(table[k] > table[k - 1]))) {
        throw new MlError('ThresholdRanks: given thresholds must be finite and strictly ascending', {
          feature: f,
        });
      }
    }
    if (table.length > 0) byFeature.set(f, table);
  });
  return byFeature;
}

/** Smallest power of two above `count`: room for every threshold and at least one +Infinity. */
function paddedSize(count: number): number {
  let size = 1;
  while (size <= count) size *= 2;
  return size;
}

/** Fewest slot bits whose slots (features split into chunks that the remaining rank bits can count) fit. */
function chooseBits(counts: readonly number[], maxRankBits: number): { slotBits: number; rankBits: number } {
  for (let slotBits = 0; slotBits <= 30; slotBits++) {
    const rankBits = Math.min(31 - slotBits, maxRankBits);
    const capacity = 2 ** rankBits - 1;
    if (capacity < 1) break;
    let slots = 0;
    for (const c of counts) slots += Math.ceil(c / capacity);
    if (slots <= 2 ** slotBits) return { slotBits, rankBits };
  }
  throw new MlError('ThresholdRanks: too many distinct thresholds to pack into 31 bits', {
    features: counts.length,
    thresholds: counts.reduce((a, b) => a + b, 0),
  });
}

/** Index of the first element of `sorted` not below x. */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
