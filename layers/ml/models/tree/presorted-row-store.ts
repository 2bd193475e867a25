import type { SplitCandidate, SplitCriterion } from './criterion.ts';
import type { PresortedFeatures } from './presort.ts';
import type { RowStore } from './row-store.ts';

/** One copy of the per-feature working arrays, segment-aligned across features. */
interface WorkBuffer {
  readonly rows: Int32Array;
  readonly ranks: Int32Array;
  readonly codes: Int32Array;
}

/**
 * Every feature keeps the node's rows sorted by value in the node's segment, as three parallel arrays (row
 * index, dense value rank, criterion code) so scans read memory sequentially. A split partitions each
 * live feature's segment stably from one buffer into the other (the tag says which buffer holds a node),
 * so nothing is ever sorted after the presort and nothing is copied back.
 */
export class PresortedRowStore implements RowStore {
  private readonly n: number;
  private readonly d: number;
  private readonly presorted: PresortedFeatures;
  private readonly buffers: readonly [WorkBuffer, WorkBuffer];
  private readonly rowCodes: Int32Array;
  private readonly goesLeft: Uint8Array;

  constructor(presorted: PresortedFeatures) {
    const { nRows: n, nFeatures: d } = presorted;
    this.n = n;
    this.d = d;
    this.presorted = presorted;
    const buffer = (): WorkBuffer => ({
      rows: new Int32Array(n * d),
      ranks: new Int32Array(n * d),
      codes: new Int32Array(n * d),
    });
    this.buffers = [buffer(), buffer()];
    this.rowCodes = new Int32Array(n);
    this.goesLeft = new Uint8Array(n);
  }

  load(criterion: SplitCriterion, inBag: ArrayLike<number> | undefined): number {
    const { n, d, rowCodes, presorted: pre } = this;
    const { rows, ranks, codes } = this.buffers[0];
    if (inBag === undefined) {
      for (let i = 0; i < n; i++) rowCodes[i] = criterion.rowCode(i);
      rows.set(pre.rows);
      ranks.set(pre.ranks);
      for (let p = 0; p < n * d; p++) codes[p] = rowCodes[rows[p]];
      return n;
    }
    for (let i = 0; i < n; i++) rowCodes[i] = inBag[i] > 0 ? criterion.rowCode(i) : 0;
    let m = n;
    for (let j = 0; j < d; j++) {
      const off = j * n;
      let k = off;
      for (let p = off; p < off + n; p++) {
        const i = pre.rows[p];
        if (inBag[i] > 0) {
          rows[k] = i;
          ranks[k] = pre.ranks[p];
          codes[k] = rowCodes[i];
          k++;
        }
      }
      m = k - off;
    }
    return m;
  }

  initNode(criterion: SplitCriterion, start: number, end: number, splitFeature: number, tag: number): void {
    // The parent's split feature is always partitioned into the children (any feature at the root).
    const off = Math.max(0, splitFeature) * this.n;
    criterion.initNode(this.buffers[tag].codes, off + start, off + end);
  }

  scan(
    criterion: SplitCriterion,
    feature: number,
    start: number,
    end: number,
    tag: number,
    minSamplesLeaf: number,
    best: SplitCandidate,
  ): boolean {
    const { ranks, codes } = this.buffers[tag];
    const off = feature * this.n;
    if (ranks[off + end - 1] === ranks[off + start]) return false;
    criterion.scanFeature(codes, ranks, off + start, off + end, minSamplesLeaf, feature, best);
    return true;
  }

  split(
    best: SplitCandidate,
    start: number,
    end: number,
    tag: number,
    liveFeatures: Int32Array,
    firstLive: number,
    childrenSplittable: boolean,
  ): number {
    // Leaf children only read the split feature's segment, which is already in order: move nothing.
    if (!childrenSplittable) return tag;
    const n = this.n;
    const goesLeft = this.goesLeft;
    const { rows: sRows, ranks: sRanks, codes: sCodes } = this.buffers[tag];
    const { rows: dRows, ranks: dRanks, codes: dCodes } = this.buffers[1 - tag];
    const nLeft = best.nLeft;
    const so = best.feature * n;
    for (let p = so + start; p < so + start + nLeft; p++) goesLeft[sRows[p]] = 1;
    for (let p = so + start + nLeft; p < so + end; p++) goesLeft[sRows[p]] = 0;
    for (let k = firstLive; k < this.d; k++) {
      const off = liveFeatures[k] * n;
      if (off === so) {
        dRows.set(sRows.subarray(off + start, off + end), off + start);
        dRanks.set(sRanks.subarray(off + start, off + end), off + start);
        dCodes.set(sCodes.subarray(off + start, off + end), off + start);
        continue;
      }
      let l = off + start;
      let r = off + start + nLeft;
      // Branch-free: the direction is a coin flip to the CPU, so compute the target slot arithmetically.
      for (let p = off + start; p < off + end; p++) {
        const i = sRows[p];
        const g = goesLeft[i];
        const pos = r + g * (l - r);
        dRows[pos] = i;
        dRanks[pos] = sRanks[p];
        dCodes[pos] = sCodes[p];
        l += g;
        r += 1 - g;
      }
    }
    return 1 - tag;
  }
}
