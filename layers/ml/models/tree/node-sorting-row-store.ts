import type { SplitCandidate, SplitCriterion } from './criterion.ts';
import type { PresortedFeatures } from './presort.ts';
import type { RowStore } from './row-store.ts';

const INSERTION_SORT_MAX = 64;
const MAX_DIGIT_BITS = 11;

/**
 * One list of the node's rows (with criterion codes); a drawn feature is put in order for the node by
 * gathering its dense ranks and radix-sorting them (as scikit-learn sorts per node, but on small integers).
 * A split moves only this one list, so a node costs O(rows × drawn features) instead of O(rows × all
 * features): the right trade when max_features is a small share of the features.
 */
export class NodeSortingRowStore implements RowStore {
  private readonly n: number;
  private readonly d: number;
  private readonly rankOfRow: Int32Array;
  private readonly rows: Int32Array;
  private readonly codes: Int32Array;
  private readonly scratchRows: Int32Array;
  private readonly scratchCodes: Int32Array;
  private readonly keysA: Int32Array;
  private readonly codesA: Int32Array;
  private readonly keysB: Int32Array;
  private readonly codesB: Int32Array;
  private readonly counts = new Int32Array(1 << MAX_DIGIT_BITS);

  constructor(presorted: PresortedFeatures) {
    const n = presorted.nRows;
    this.n = n;
    this.d = presorted.nFeatures;
    this.rankOfRow = presorted.rankOfRow;
    this.rows = new Int32Array(n);
    this.codes = new Int32Array(n);
    this.scratchRows = new Int32Array(n);
    this.scratchCodes = new Int32Array(n);
    this.keysA = new Int32Array(n);
    this.codesA = new Int32Array(n);
    this.keysB = new Int32Array(n);
    this.codesB = new Int32Array(n);
  }

  load(criterion: SplitCriterion, inBag: ArrayLike<number> | undefined): number {
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (inBag === undefined || inBag[i] > 0) {
        this.rows[m] = i;
        this.codes[m] = criterion.rowCode(i);
        m++;
      }
    }
    return m;
  }

  initNode(criterion: SplitCriterion, start: number, end: number): void {
    criterion.initNode(this.codes, start, end);
  }

  scan(
    criterion: SplitCriterion,
    feature: number,
    start: number,
    end: number,
    _tag: number,
    minSamplesLeaf: number,
    best: SplitCandidate,
  ): boolean {
    const { rows, codes, rankOfRow, keysA, codesA } = this;
    const d = this.d;
    const len = end - start;
    let min = rankOfRow[rows[start] * d + feature];
    let max = min;
    for (let q = 0; q < len; q++) {
      const r = rankOfRow[rows[start + q] * d + feature];
      keysA[q] = r;
      codesA[q] = codes[start + q];
      if (r < min) min = r;
      else if (r > max) max = r;
    }
    if (min === max) return false;
    if (this.sortPairs(len, min, max)) {
      criterion.scanFeature(this.codesB, this.keysB, 0, len, minSamplesLeaf, feature, best);
    } else {
      criterion.scanFeature(codesA, keysA, 0, len, minSamplesLeaf, feature, best);
    }
    return true;
  }

  split(best: SplitCandidate, start: number, end: number, tag: number): number {
    const { rows, codes, scratchRows, scratchCodes, rankOfRow } = this;
    const d = this.d;
    const f = best.feature;
    const below = best.rankBelow;
    let l = start;
    let r = 0;
    for (let p = start; p < end; p++) {
      const i = rows[p];
      const c = codes[p];
      if (rankOfRow[i * d + f] <= below) {
        rows[l] = i;
        codes[l] = c;
        l++;
      } else {
        scratchRows[r] = i;
        scratchCodes[r] = c;
        r++;
      }
    }
    for (let q = 0; q < r; q++) {
      rows[l + q] = scratchRows[q];
      codes[l + q] = scratchCodes[q];
    }
    return tag;
  }

  /**
   * Sorts keysA/codesA[0..len) by key (keys within [min, max]), stably. Returns true when the result
   * ended up in keysB/codesB.
   */
  private sortPairs(len: number, min: number, max: number): boolean {
    const { keysA, codesA } = this;
    if (len <= INSERTION_SORT_MAX) {
      for (let p = 1; p < len; p++) {
        const k = keysA[p];
        const c = codesA[p];
        let q = p - 1;
        while (q >= 0 && keysA[q] > k) {
          keysA[q + 1] = keysA[q];
          codesA[q + 1] = codesA[q];
          q--;
        }
        keysA[q + 1] = k;
        codesA[q + 1] = c;
      }
      return false;
    }
    const bits = 32 - Math.clz32(max - min);
    const passes = Math.ceil(bits / MAX_DIGIT_BITS);
    const digitBits = Math.ceil(bits / passes);
    const buckets = 1 << digitBits;
    const mask = buckets - 1;
    const counts = this.counts;
    let srcK = keysA;
    let srcC = codesA;
    let dstK = this.keysB;
    let dstC = this.codesB;
    for (let pass = 0; pass < passes; pass++) {
      const shift = pass * digitBits;
      counts.fill(0, 0, buckets);
      for (let q = 0; q < len; q++) counts[((srcK[q] - min) >>> shift) & mask]++;
      let sum = 0;
      for (let b = 0; b < buckets; b++) {
        const c = counts[b];
        counts[b] = sum;
        sum += c;
      }
      for (let q = 0; q < len; q++) {
        const k = srcK[q];
        const pos = counts[((k - min) >>> shift) & mask]++;
        dstK[pos] = k;
        dstC[pos] = srcC[q];
      }
      const tk = srcK;
      srcK = dstK;
      dstK = tk;
      const tc = srcC;
      srcC = dstC;
      dstC = tc;
    }
    return passes % 2 === 1;
  }
}
