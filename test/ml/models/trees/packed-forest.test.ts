import { describe, expect, it } from 'vitest';
import { type FeatureMatrix, fromRows } from '../../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { MlError } from '../../../../layers/ml/errors.ts';
import { type RandomForest, randomForestSpec } from '../../../../layers/ml/models/random-forest.ts';
import { blockedSlots } from '../../../../layers/ml/models/tree/block-layout.ts';
import { leafOfRow, type TreeNodes } from '../../../../layers/ml/models/tree/nodes.ts';
import { PackedForest } from '../../../../layers/ml/models/tree/packed-forest.ts';
import { ThresholdRanks } from '../../../../layers/ml/models/tree/threshold-ranks.ts';
import { rowAt } from './helpers.ts';

function grownTrees(
  nTrees: number,
  data = makeClassification({ nRows: 600, nFeatures: 6, nClasses: 3, seed: 5 }),
) {
  const params = randomForestSpec.params.parse({ n_estimators: nTrees });
  const model = randomForestSpec.create(params, 7) as RandomForest;
  model.fit(data);
  return { trees: model.trees, data };
}

/** The definition: each tree walked alone (nodes.ts), leaf values summed in tree order, then divided. */
function plainMean(trees: readonly TreeNodes[], row: Float64Array, width: number): number[] {
  const sum = new Float64Array(width);
  for (const t of trees) {
    const leaf = leafOfRow(t, row);
    for (let k = 0; k < width; k++) sum[k] += t.value[leaf * width + k];
  }
  return Array.from(sum, (s) => s / trees.length);
}

function packedRow(forest: PackedForest, row: Float64Array): number[] {
  const out = new Float64Array(forest.valueWidth);
  forest.meanRow(row, out);
  return Array.from(out);
}

function packedBatch(forest: PackedForest, m: FeatureMatrix): number[][] {
  const flat = forest.meanColumnMajor(m.values, m.nRows);
  const w = forest.valueWidth;
  return Array.from({ length: m.nRows }, (_, i) => Array.from(flat.subarray(i * w, (i + 1) * w)));
}

/** Rows on the decision boundaries: every threshold itself, just around it, ±0, ±Infinity and NaN. */
function awkwardRows(trees: readonly TreeNodes[], nFeatures: number, count: number): Float64Array[] {
  const rows: Float64Array[] = [];
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];
  let seed = 1;
  const pick = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const thresholds = trees.flatMap((t) => Array.from(t.threshold.filter((_, i) => t.feature[i] >= 0)));
  for (let r = 0; r < count; r++) {
    const row = new Float64Array(nFeatures);
    for (let j = 0; j < nFeatures; j++) {
      const t = thresholds[pick(thresholds.length)];
      const choice = pick(8);
      if (choice < 3) row[j] = t;
      else if (choice === 3) row[j] = t + Math.abs(t) * Number.EPSILON;
      else if (choice === 4) row[j] = t - Math.abs(t) * Number.EPSILON;
      else row[j] = specials[pick(specials.length)];
    }
    rows.push(row);
  }
  return rows;
}

describe('PackedForest', () => {
  const { trees, data } = grownTrees(13);
  const test = Array.from({ length: 200 }, (_, i) => rowAt(data, i));
  const awkward = awkwardRows(trees, data.nFeatures, 300);

  it.each([
    { name: 'threshold ranks in one slot per feature', options: {} },
    { name: 'thresholds split into chunks of 3', options: { maxRankBits: 2 } },
    { name: 'one threshold per chunk', options: { maxRankBits: 1 } },
  ])('predicts rows bit-identically to the plain walk ($name)', ({ options }) => {
    const forest = new PackedForest(trees, 3, options);
    for (const row of [...test, ...awkward]) expect(packedRow(forest, row)).toEqual(plainMean(trees, row, 3));
  });

  it('predicts a batch bit-identically, across batch chunks and after growing its memory', () => {
    const forest = new PackedForest(trees, 3, { maxRankBits: 3 });
    const rows = [...test, ...awkward];
    // 4,500 rows: more than one 4,096-row batch chunk.
    const many = Array.from({ length: 4500 }, (_, i) => rows[(i * 7) % rows.length]);
    const expected = many.map((row) => plainMean(trees, row, 3));
    expect(packedBatch(forest, fromRows(many))).toEqual(expected);
    // Single rows after the batch grew the memory (the views must follow).
    for (const [i, row] of many.slice(0, 50).entries()) expect(packedRow(forest, row)).toEqual(expected[i]);
    expect(packedBatch(forest, fromRows(many.slice(0, 3)))).toEqual(expected.slice(0, 3));
  });

  it('handles fewer trees than walk lanes, stumps and single-leaf trees', () => {
    const leafOnly: TreeNodes = {
      nodeCount: 1,
      valueWidth: 1,
      feature: Int32Array.of(-1),
      threshold: Float64Array.of(0),
      left: Int32Array.of(-1),
      right: Int32Array.of(-1),
      value: Float64Array.of(0.25),
    };
    const stump: TreeNodes = {
      nodeCount: 3,
      valueWidth: 1,
      feature: Int32Array.of(1, -1, -1),
      threshold: Float64Array.of(0.5, 0, 0),
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      value: Float64Array.of(0, 1, 3),
    };
    const rows = [
      [0, 0.5],
      [0, 0.6],
      [9, Number.NaN],
      [0, Number.POSITIVE_INFINITY],
    ].map((r) => Float64Array.from(r));
    for (const forestTrees of [[leafOnly], [stump], [stump, leafOnly], [leafOnly, stump, stump]]) {
      const forest = new PackedForest(forestTrees, 1);
      const expected = rows.map((row) => plainMean(forestTrees, row, 1));
      expect(rows.map((row) => packedRow(forest, row))).toEqual(expected);
      expect(packedBatch(forest, fromRows(rows))).toEqual(expected);
      expect(packedBatch(forest, fromRows(rows.slice(0, 1)))).toEqual(expected.slice(0, 1));
    }
  });

  it('follows child pairs shared by two parents (allowed by the artifact checks) without copying them', () => {
    // Nodes 1 and 2 both send rows to the pair (3, 4).
    const shared: TreeNodes = {
      nodeCount: 5,
      valueWidth: 1,
      feature: Int32Array.of(0, 1, 1, -1, -1),
      threshold: Float64Array.of(0, -1, 1, 0, 0),
      left: Int32Array.of(1, 3, 3, -1, -1),
      right: Int32Array.of(2, 4, 4, -1, -1),
      value: Float64Array.of(0, 0, 0, 10, 20),
    };
    const forest = new PackedForest([shared], 1);
    for (const r of [
      [-1, -2],
      [-1, 0],
      [1, 0],
      [1, 2],
    ]) {
      const row = Float64Array.from(r);
      expect(packedRow(forest, row)).toEqual(plainMean([shared], row, 1));
    }
    expect(blockedSlots(shared, 0).end).toBe(5);
  });
});

describe('blockedSlots', () => {
  const { trees } = grownTrees(3);

  it('gives every node one slot, right children just after left ones', () => {
    for (const t of trees) {
      const { slots, end } = blockedSlots(t, 100);
      expect(end).toBe(100 + t.nodeCount);
      expect(new Set(slots).size).toBe(t.nodeCount);
      expect(Math.min(...slots)).toBe(100);
      expect(slots[0]).toBe(100);
      for (let i = 0; i < t.nodeCount; i++) {
        if (t.feature[i] >= 0) expect(slots[t.right[i]]).toBe(slots[t.left[i]] + 1);
      }
    }
  });

  it('keeps two levels together: nodes at even depth have their children within the same 6-slot block', () => {
    for (const t of trees) {
      const { slots } = blockedSlots(t, 0);
      const depth = new Int32Array(t.nodeCount);
      for (let i = 0; i < t.nodeCount; i++) {
        if (t.feature[i] < 0) continue;
        depth[t.left[i]] = depth[i] + 1;
        depth[t.right[i]] = depth[i] + 1;
        if (depth[i] % 2 === 0) {
          const gap = slots[t.left[i]] - slots[i];
          expect(gap).toBeGreaterThanOrEqual(1);
          expect(gap).toBeLessThanOrEqual(5);
        }
      }
    }
  });
});

describe('ThresholdRanks', () => {
  const { trees } = grownTrees(5);

  it('packs as few slot bits as the features need and refuses thresholds it was not built from', () => {
    const ranks = new ThresholdRanks(trees);
    // 6 features → 3 slot bits, one slot per feature; codes non-negative, below the always-left code.
    expect(ranks.slotBits).toBe(3);
    expect(ranks.chunked).toBe(false);
    const slotOfFeature = new Map<number, Set<number>>();
    for (const t of trees) {
      for (let i = 0; i < t.nodeCount; i++) {
        if (t.feature[i] < 0) continue;
        const code = ranks.code(t.feature[i], t.threshold[i]);
        expect(code).toBeGreaterThanOrEqual(0);
        expect(code).toBeLessThan(ranks.alwaysLeft);
        const slots = slotOfFeature.get(t.feature[i]) ?? new Set<number>();
        slots.add(code & 7);
        slotOfFeature.set(t.feature[i], slots);
      }
    }
    expect([...slotOfFeature.values()].map((s) => s.size)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(new Set([...slotOfFeature.values()].flatMap((s) => [...s])).size).toBe(6);
    expect(() => ranks.code(0, 12345.678)).toThrow(MlError);
  });

  it('splits features into chunks when the rank bits cannot count their thresholds', () => {
    const ranks = new ThresholdRanks(trees, { maxRankBits: 2 });
    expect(ranks.chunked).toBe(true);
    expect(ranks.width).toBeGreaterThan(6);
    expect(2 ** ranks.slotBits).toBeGreaterThanOrEqual(ranks.width);
  });
});
