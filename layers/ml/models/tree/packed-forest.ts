import type { TreeNodes } from './nodes.ts';

/**
 * All trees of an ensemble interleaved into one buffer for serving: node k is 16 bytes — threshold
 * (float64) then feature and next index (int32) — so a step down a tree touches one cache line and no
 * per-tree objects, and predicting one row allocates nothing.
 *
 * Internal node: `next` = global index of the left child (right = left + 1).
 * Leaf: threshold +Infinity, feature 0, `next` = itself, so a step from a leaf stays there; `leafSlot`
 * gives the offset of its values. (Real thresholds are midpoints of finite values, never infinite; a
 * NaN feature fails `x > threshold` and goes left, as in leafOfRow, and cannot leave a leaf.)
 *
 * Big forests do not fit in cache and a walk is a chain of dependent loads, so walks run four at a time
 * in lock step (four trees for one row, four rows for one tree): their cache misses overlap.
 */
export class PackedForest {
  readonly nTrees: number;
  readonly valueWidth: number;
  private readonly roots: Int32Array;
  private readonly thresholds: Float64Array;
  /** Same buffer as `thresholds`: feature at 4k + 2, next at 4k + 3. */
  private readonly links: Int32Array;
  private readonly leafSlot: Int32Array;
  private readonly values: Float64Array;

  constructor(trees: readonly TreeNodes[], valueWidth: number) {
    this.nTrees = trees.length;
    this.valueWidth = valueWidth;
    let total = 0;
    let leaves = 0;
    for (const t of trees) {
      total += t.nodeCount;
      for (let i = 0; i < t.nodeCount; i++) if (t.feature[i] < 0) leaves++;
    }
    const buffer = new ArrayBuffer(total * 16);
    this.thresholds = new Float64Array(buffer);
    this.links = new Int32Array(buffer);
    this.leafSlot = new Int32Array(total);
    this.roots = new Int32Array(trees.length);
    this.values = new Float64Array(leaves * valueWidth);
    let base = 0;
    let leaf = 0;
    trees.forEach((t, k) => {
      this.roots[k] = base;
      for (let i = 0; i < t.nodeCount; i++) {
        const g = base + i;
        const f = t.feature[i];
        if (f >= 0) {
          this.thresholds[2 * g] = t.threshold[i];
          this.links[4 * g + 2] = f;
          this.links[4 * g + 3] = base + t.left[i];
        } else {
          this.thresholds[2 * g] = Number.POSITIVE_INFINITY;
          this.links[4 * g + 2] = 0;
          this.links[4 * g + 3] = g;
          this.leafSlot[g] = leaf * valueWidth;
          for (let c = 0; c < valueWidth; c++)
            this.values[leaf * valueWidth + c] = t.value[i * valueWidth + c];
          leaf++;
        }
      }
      base += t.nodeCount;
    });
  }

  /** Mean of the trees' leaf values for one dense row, written to out[0..valueWidth). */
  meanRow(row: Float64Array, out: Float64Array): void {
    const { roots, valueWidth: w } = this;
    for (let c = 0; c < w; c++) out[c] = 0;
    const nTrees = roots.length;
    let t = 0;
    for (; t + 4 <= nTrees; t += 4) {
      this.walk4(row, 0, roots[t], row, 0, roots[t + 1], row, 0, roots[t + 2], row, 0, roots[t + 3]);
      this.add4(out, 0, out, 0, out, 0, out, 0);
    }
    for (; t < nTrees; t++) this.addLeaf(out, 0, this.walk(row, 0, roots[t]));
    for (let c = 0; c < w; c++) out[c] /= nTrees;
  }

  /** Mean leaf values for every row of a column-major matrix, row-major `nRows × valueWidth`. */
  meanColumnMajor(x: Float64Array, nRows: number, nFeatures: number): Float64Array {
    const { roots, valueWidth: w } = this;
    const out = new Float64Array(nRows * w);
    // Row-major copy: a walk reads several features of one row, which then share cache lines.
    const rows = new Float64Array(nRows * nFeatures);
    for (let j = 0; j < nFeatures; j++) {
      for (let i = 0; i < nRows; i++) rows[i * nFeatures + j] = x[j * nRows + i];
    }
    const d = nFeatures;
    // Tree by tree: one tree's nodes stay in cache while the rows stream past.
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t];
      let i = 0;
      for (; i + 4 <= nRows; i += 4) {
        this.walk4(
          rows,
          i * d,
          root,
          rows,
          (i + 1) * d,
          root,
          rows,
          (i + 2) * d,
          root,
          rows,
          (i + 3) * d,
          root,
        );
        this.add4(out, i * w, out, (i + 1) * w, out, (i + 2) * w, out, (i + 3) * w);
      }
      for (; i < nRows; i++) this.addLeaf(out, i * w, this.walk(rows, i * d, root));
    }
    const nTrees = roots.length;
    for (let k = 0; k < out.length; k++) out[k] /= nTrees;
    return out;
  }

  // Lock-step state of walk4 (fields, not a returned tuple, so nothing is allocated).
  private leafA = 0;
  private leafB = 0;
  private leafC = 0;
  private leafD = 0;

  /** Walks four (row, root) pairs to their leaves together; results in leafA..leafD. */
  private walk4(
    ra: Float64Array,
    oa: number,
    a: number,
    rb: Float64Array,
    ob: number,
    b: number,
    rc: Float64Array,
    oc: number,
    c: number,
    rd: Float64Array,
    od: number,
    d: number,
  ): void {
    const { thresholds: th, links } = this;
    const inf = Number.POSITIVE_INFINITY;
    let ta = th[2 * a];
    let tb = th[2 * b];
    let tc = th[2 * c];
    let td = th[2 * d];
    while (ta !== inf || tb !== inf || tc !== inf || td !== inf) {
      a = links[4 * a + 3] + (ra[oa + links[4 * a + 2]] > ta ? 1 : 0);
      b = links[4 * b + 3] + (rb[ob + links[4 * b + 2]] > tb ? 1 : 0);
      c = links[4 * c + 3] + (rc[oc + links[4 * c + 2]] > tc ? 1 : 0);
      d = links[4 * d + 3] + (rd[od + links[4 * d + 2]] > td ? 1 : 0);
      ta = th[2 * a];
      tb = th[2 * b];
      tc = th[2 * c];
      td = th[2 * d];
    }
    this.leafA = a;
    this.leafB = b;
    this.leafC = c;
    this.leafD = d;
  }

  private add4(
    oa: Float64Array,
    ia: number,
    ob: Float64Array,
    ib: number,
    oc: Float64Array,
    ic: number,
    od: Float64Array,
    id: number,
  ): void {
    this.addLeaf(oa, ia, this.leafA);
    this.addLeaf(ob, ib, this.leafB);
    this.addLeaf(oc, ic, this.leafC);
    this.addLeaf(od, id, this.leafD);
  }

  private walk(row: Float64Array, offset: number, root: number): number {
    const { thresholds: th, links } = this;
    let node = root;
    let t = th[2 * node];
    while (t !== Number.POSITIVE_INFINITY) {
      node = links[4 * node + 3] + (row[offset + links[4 * node + 2]] > t ? 1 : 0);
      t = th[2 * node];
    }
    return node;
  }

  private addLeaf(out: Float64Array, offset: number, leaf: number): void {
    const { values, valueWidth: w } = this;
    const slot = this.leafSlot[leaf];
    for (let c = 0; c < w; c++) out[offset + c] += values[slot + c];
  }
}
