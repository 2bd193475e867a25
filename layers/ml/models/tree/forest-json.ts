/**
 * Trees in JSON, tree format 2: every tree's nodes in a few binary arrays (binary-arrays.ts) shared by the
 * whole ensemble, with thresholds and leaf values stored once each in tables and nodes pointing into them.
 * A forest repeats both heavily (a RandomForest-100 on 2,400 rows: 40k splits on 918 distinct thresholds,
 * 40k leaves holding 4 distinct rows), so the document is ~5× smaller than format 1's number arrays and
 * loads in a few passes over typed arrays. The per-feature threshold tables are exactly what the packed
 * forest ranks rows against (threshold-ranks.ts), so loading sorts nothing.
 *
 * Format 1 (tree/serialize.ts, one object of number arrays per tree) is still read.
 */
import { MlError, ModelFormatError } from '../../errors.ts';
import { type PackedUints, packFloat64s, packUints, unpackFloat64s, unpackUints } from './binary-arrays.ts';
import type { TreeNodes } from './nodes.ts';
import { lowerBound } from './threshold-ranks.ts';

export interface ForestJSON {
  /** Per tree, its node count; the node arrays below hold tree after tree. */
  readonly nodeCounts: PackedUints;
  /** Per node: the feature it tests + 1, or 0 for a leaf. */
  readonly feature: PackedUints;
  /** Per internal node, in node order: its left child's index in its tree (the right child is next). */
  readonly left: PackedUints;
  /** Per internal node: the index of its threshold among its feature's thresholds. */
  readonly split: PackedUints;
  /** Per feature: how many distinct thresholds the trees test it against. */
  readonly thresholdCounts: PackedUints;
  /** float64s: each feature's distinct thresholds, ascending, feature after feature. */
  readonly thresholds: string;
  /** Per leaf, in node order: the index of its row in leafValues. */
  readonly leaf: PackedUints;
  /** float64s: the distinct leaf value rows, valueWidth numbers each, in order of first use. */
  readonly leafValues: string;
}

/**
 * Trees read back; per feature the ascending distinct thresholds they test (empty for unused ones); per
 * tree, per internal node the index of its threshold among its feature's (leaves: -1). The last two are
 * what PackedForest would otherwise work out by sorting and searching.
 */
export interface LoadedForest {
  readonly trees: TreeNodes[];
  readonly thresholds: Float64Array[];
  readonly splitRanks: Int32Array[];
}

export function forestToJSON(trees: readonly TreeNodes[], nFeatures: number, valueWidth: number): ForestJSON {
  const thresholds = distinctThresholds(trees, nFeatures);
  const feature: number[] = [];
  const left: number[] = [];
  const split: number[] = [];
  const leaf: number[] = [];
  const rows = new LeafRows(valueWidth);
  for (const t of trees) {
    for (let i = 0; i < t.nodeCount; i++) {
      const f = t.feature[i];
      feature.push(f + 1);
      if (f >= 0) {
        left.push(t.left[i]);
        split.push(lowerBound(thresholds[f], t.threshold[i]));
      } else {
        leaf.push(rows.indexOf(t.value, i * valueWidth));
      }
    }
  }
  const counts = thresholds.map((s) => s.length);
  const all = new Float64Array(counts.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const s of thresholds) {
    all.set(s, at);
    at += s.length;
  }
  return {
    nodeCounts: packUints(trees.map((t) => t.nodeCount)),
    feature: packUints(feature),
    left: packUints(left),
    split: packUints(split),
    thresholdCounts: packUints(counts),
    thresholds: packFloat64s(all),
    leaf: packUints(leaf),
    leafValues: packFloat64s(rows.values()),
  };
}

/**
 * Reads trees back, checking what prediction relies on (as format 1's reader): features in range, children
 * paired and strictly after their parent (so every walk ends), indices inside their tables, finite
 * thresholds ascending per feature, finite leaf values. The trees share a few typed arrays.
 */
export function forestFromJSON(
  json: unknown,
  nFeatures: number,
  valueWidth: number,
  where: string,
): LoadedForest {
  if (typeof json !== 'object' || json === null)
    throw new ModelFormatError(`${where}: forest is not an object`);
  const reader = new ForestReader(json as Record<string, unknown>, nFeatures, valueWidth, where);
  const { nodeCounts, total } = reader;
  const trees: TreeNodes[] = [];
  const splitRanks: Int32Array[] = [];
  let start = 0;
  for (let t = 0; t < nodeCounts.length; t++) {
    const count = nodeCounts[t];
    if (count < 1 || count > total - start) {
      reader.fail(`tree ${t} has ${count} nodes, not 1 to the ${total - start} left`);
    }
    reader.readTree(t, start, count);
    const end = start + count;
    trees.push({
      nodeCount: count,
      valueWidth,
      feature: reader.features.subarray(start, end),
      threshold: reader.thresholds.subarray(start, end),
      left: reader.lefts.subarray(start, end),
      right: reader.rights.subarray(start, end),
      value: reader.values.subarray(start * valueWidth, end * valueWidth),
    });
    splitRanks.push(reader.ranks.subarray(start, end));
    start = end;
  }
  reader.checkAllRead(start);
  return { trees, thresholds: reader.tables, splitRanks };
}

/**
 * The decoded arrays and the node arrays being filled. Nodes are read one tree per call: V8 then optimises
 * the per-node loop as a plain hot function; as one loop nested in a loop over trees it was entered
 * on-stack and deoptimised at every tree's end, so a fresh process ran the whole load in the interpreter.
 */
class ForestReader {
  readonly nodeCounts: Int32Array;
  readonly total: number;
  readonly tables: Float64Array[];
  readonly features: Int32Array;
  readonly thresholds: Float64Array;
  readonly lefts: Int32Array;
  readonly rights: Int32Array;
  readonly values: Float64Array;
  readonly ranks: Int32Array;
  private readonly feature: Int32Array;
  private readonly left: Int32Array;
  private readonly split: Int32Array;
  private readonly leaf: Int32Array;
  private readonly allThresholds: Float64Array;
  private readonly thresholdStart: Int32Array;
  private readonly leafValues: Float64Array;
  private readonly nFeatures: number;
  private readonly valueWidth: number;
  private readonly where: string;
  private internal = 0;
  private leaves = 0;

  constructor(j: Record<string, unknown>, nFeatures: number, valueWidth: number, where: string) {
    this.nFeatures = nFeatures;
    this.valueWidth = valueWidth;
    this.where = where;
    this.nodeCounts = unpackUints(j.nodeCounts, `${where}.nodeCounts`);
    this.feature = unpackUints(j.feature, `${where}.feature`);
    this.left = unpackUints(j.left, `${where}.left`);
    this.split = unpackUints(j.split, `${where}.split`);
    this.leaf = unpackUints(j.leaf, `${where}.leaf`);
    const counts = unpackUints(j.thresholdCounts, `${where}.thresholdCounts`);
    this.allThresholds = unpackFloat64s(j.thresholds, `${where}.thresholds`);
    if (counts.length !== nFeatures) this.fail(`thresholdCounts must hold ${nFeatures} counts`);
    this.thresholdStart = new Int32Array(nFeatures + 1);
    this.tables = [];
    for (let f = 0; f < nFeatures; f++) {
      if (counts[f] < 0 || counts[f] > this.allThresholds.length - this.thresholdStart[f]) {
        this.fail('thresholds must hold thresholdCounts numbers');
      }
      this.thresholdStart[f + 1] = this.thresholdStart[f] + counts[f];
      const table = this.allThresholds.subarray(this.thresholdStart[f], this.thresholdStart[f + 1]);
      for (let k = 0; k < table.length; k++) {
        // NaN fails both tests; ±Infinity fails the first.
        if (!Number.isFinite(table[k]) || (k > 0 && !(table[k] > table[k - 1]))) {
          this.fail(`thresholds of feature ${f} must be finite and strictly ascending`);
        }
      }
      this.tables.push(table);
    }
    if (this.thresholdStart[nFeatures] !== this.allThresholds.length) {
      this.fail('thresholds must hold thresholdCounts numbers');
    }
    this.leafValues = unpackFloat64s(j.leafValues, `${where}.leafValues`);
    if (this.leafValues.length % valueWidth !== 0) {
      this.fail(`leafValues must hold ${valueWidth} numbers per row`);
    }
    for (let k = 0; k < this.leafValues.length; k++) {
      if (!Number.isFinite(this.leafValues[k])) this.fail('leafValues holds a non-finite number');
    }
    this.total = this.feature.length;
    this.features = new Int32Array(this.total);
    this.thresholds = new Float64Array(this.total);
    this.lefts = new Int32Array(this.total);
    this.rights = new Int32Array(this.total);
    this.values = new Float64Array(this.total * valueWidth);
    this.ranks = new Int32Array(this.total);
  }

  fail(why: string): never {
    throw new ModelFormatError(`${this.where}: ${why}`);
  }

  /** Nodes [start, start + count) as tree t. */
  readTree(t: number, start: number, count: number): void {
    const { feature, left, split, leaf, leafValues, allThresholds, thresholdStart, nFeatures } = this;
    const { features, thresholds, lefts, rights, values, ranks, valueWidth: w } = this;
    const leafRows = leafValues.length / w;
    let { internal, leaves } = this;
    for (let i = 0; i < count; i++) {
      const g = start + i;
      const f = feature[g] - 1;
      if (f < -1 || f >= nFeatures) this.fail(`tree ${t} node ${i} has invalid feature ${f}`);
      features[g] = f;
      if (f < 0) {
        lefts[g] = -1;
        rights[g] = -1;
        ranks[g] = -1;
        if (leaves >= leaf.length) this.fail('leaf holds fewer indices than there are leaves');
        const row = leaf[leaves++];
        if (row < 0 || row >= leafRows) this.fail(`tree ${t} leaf ${i} has value row ${row} of ${leafRows}`);
        for (let c = 0; c < w; c++) values[g * w + c] = leafValues[row * w + c];
      } else {
        if (internal >= left.length || internal >= split.length) {
          this.fail('left and split must hold one index per internal node');
        }
        const l = left[internal];
        if (l <= i || l + 1 >= count) this.fail(`tree ${t} node ${i} has invalid children ${l}, ${l + 1}`);
        lefts[g] = l;
        rights[g] = l + 1;
        const s = split[internal++];
        const first = thresholdStart[f];
        if (s < 0 || s >= thresholdStart[f + 1] - first) {
          this.fail(`tree ${t} node ${i} has threshold ${s} of ${thresholdStart[f + 1] - first}`);
        }
        thresholds[g] = allThresholds[first + s];
        ranks[g] = s;
      }
    }
    this.internal = internal;
    this.leaves = leaves;
  }

  /** After the last tree: every node and index was used. */
  checkAllRead(nodesRead: number): void {
    if (nodesRead !== this.total) this.fail('feature holds nodes beyond the trees');
    if (this.internal !== this.left.length || this.internal !== this.split.length) {
      this.fail('left and split must hold one index per internal node');
    }
    if (this.leaves !== this.leaf.length) this.fail('leaf must hold one index per leaf');
  }
}

/** Per feature, the distinct thresholds the trees test it against, ascending (−0 and 0 are one). */
function distinctThresholds(trees: readonly TreeNodes[], nFeatures: number): Float64Array[] {
  const lists: number[][] = Array.from({ length: nFeatures }, () => []);
  for (const t of trees) {
    for (let i = 0; i < t.nodeCount; i++) {
      if (t.feature[i] < 0) continue;
      if (!Number.isFinite(t.threshold[i]))
        throw new MlError('forestToJSON: thresholds must be finite', { node: i });
      lists[t.feature[i]].push(t.threshold[i]);
    }
  }
  return lists.map((list) => {
    const sorted = Float64Array.from(list).sort();
    let n = 0;
    for (let k = 0; k < sorted.length; k++)
      if (n === 0 || sorted[k] !== sorted[n - 1]) sorted[n++] = sorted[k];
    return sorted.slice(0, n);
  });
}

/** Distinct leaf value rows, told apart by their bits, numbered in order of first use. */
class LeafRows {
  private readonly width: number;
  private readonly index = new Map<string, number>();
  private readonly rows: number[] = [];
  private readonly scratch: Float64Array;
  private readonly bits: Uint32Array;

  constructor(width: number) {
    this.width = width;
    this.scratch = new Float64Array(width);
    this.bits = new Uint32Array(this.scratch.buffer);
  }

  indexOf(values: Float64Array, at: number): number {
    this.scratch.set(values.subarray(at, at + this.width));
    const key = this.bits.join(',');
    let k = this.index.get(key);
    if (k === undefined) {
      k = this.index.size;
      this.index.set(key, k);
      for (const v of this.scratch) this.rows.push(v);
    }
    return k;
  }

  values(): Float64Array {
    return Float64Array.from(this.rows);
  }
}
