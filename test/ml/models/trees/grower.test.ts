import { describe, expect, it } from 'vitest';
import { fromRows } from '../../../../layers/ml/data/matrix.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import {
  classificationCriterion,
  EntropyCriterion,
  GiniCriterion,
} from '../../../../layers/ml/models/tree/classification-criteria.ts';
import { type GrowthLimits, TreeGrower } from '../../../../layers/ml/models/tree/grower.ts';
import { presortFeatures } from '../../../../layers/ml/models/tree/presort.ts';
import { Random } from '../../../../layers/ml/random.ts';

describe('presortFeatures', () => {
  it('orders rows by value then row index, with dense ranks and the distinct values', () => {
    const column = [3, -1, 0, 2.5, -0, 3, -1e300, 1e-300, 2.5, -1];
    const m = fromRows(column.map((v, i) => [v, i % 3]));
    const pre = presortFeatures(m);
    const n = column.length;
    const expected = column.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(Array.from(pre.rows.subarray(0, n))).toEqual(expected.map(([, i]) => i));
    const distinct = [...new Set(expected.map(([v]) => (v === 0 ? 0 : v)))];
    expect(pre.nDistinct[0]).toBe(distinct.length);
    expect(Array.from(pre.distinct.subarray(0, distinct.length))).toEqual(distinct);
    for (let p = 0; p < n; p++) {
      const row = pre.rows[p];
      expect(pre.distinct[pre.ranks[p]]).toBe(column[row] === 0 ? 0 : column[row]);
      expect(pre.rankOfRow[row * 2]).toBe(pre.ranks[p]);
    }
    // Second feature: 0,1,2 repeating; ties keep row order.
    expect(Array.from(pre.rows.subarray(n))).toEqual([0, 3, 6, 9, 1, 4, 7, 2, 5, 8]);
  });

  it('agrees with a comparison sort on generated data', () => {
    const data = makeClassification({ nRows: 3000, nFeatures: 4, seed: 2 });
    const pre = presortFeatures(data);
    for (let j = 0; j < 4; j++) {
      const col = data.values.subarray(j * 3000, (j + 1) * 3000);
      const naive = Array.from({ length: 3000 }, (_, i) => i).sort((a, b) => col[a] - col[b] || a - b);
      expect(Array.from(pre.rows.subarray(j * 3000, (j + 1) * 3000))).toEqual(naive);
    }
  });
});

describe('classification criteria', () => {
  it('computes gini and entropy (bits) of a node by hand', () => {
    const y = Int32Array.from([0, 0, 1, 1, 1, 1]);
    const gini = new GiniCriterion(y, 2);
    const entropy = new EntropyCriterion(y, 2);
    const codes = Int32Array.from([0, 1, 2, 3, 4, 5], (i) => gini.rowCode(i));
    gini.initNode(codes, 0, 6);
    entropy.initNode(codes, 0, 6);
    // p = (1/3, 2/3): gini = 1 − 1/9 − 4/9 = 4/9; entropy = −(1/3)log2(1/3) − (2/3)log2(2/3).
    expect(gini.nodeImpurity()).toBeCloseTo(4 / 9, 15);
    expect(entropy.nodeImpurity()).toBeCloseTo(-(1 / 3) * Math.log2(1 / 3) - (2 / 3) * Math.log2(2 / 3), 15);
    const leaf = new Float64Array(2);
    gini.writeLeafValue(leaf, 0);
    expect(Array.from(leaf)).toEqual([2 / 6, 4 / 6]);
  });

  it('counts bootstrap weights and refuses fractional ones', () => {
    const y = Int32Array.from([0, 1, 1]);
    const weights = Float64Array.from([3, 1, 0.5]);
    const gini = classificationCriterion('gini', y, 2, weights);
    const codes = Int32Array.from([gini.rowCode(0), gini.rowCode(1)]);
    gini.initNode(codes, 0, 2);
    expect(gini.nodeWeight()).toBe(4);
    expect(gini.nodeImpurity()).toBeCloseTo(1 - (9 + 1) / 16, 15);
    expect(() => gini.rowCode(2)).toThrow(/whole-number weights/);
  });
});

describe('TreeGrower row stores', () => {
  it('grow identical trees whether features stay presorted or are sorted per node', () => {
    const data = makeClassification({ nRows: 1500, nFeatures: 9, nClasses: 3, seed: 13 });
    // Rounded values make ties and constant features inside nodes.
    const values = data.values.map((v) => Math.round(v * 2) / 2);
    const x = { ...data, values };
    const pre = presortFeatures(x);
    const weights = new Float64Array(x.nRows);
    const bag = new Random(5);
    for (let k = 0; k < x.nRows; k++) weights[bag.int(x.nRows)]++;
    for (const [criterionName, maxFeatures, inBag] of [
      ['gini', 3, weights],
      ['entropy', 2, weights],
      ['gini', 9, undefined],
    ] as const) {
      const limits: GrowthLimits = {
        maxDepth: Number.POSITIVE_INFINITY,
        minSamplesSplit: 2,
        minSamplesLeaf: 2,
        maxFeatures,
      };
      const grown = (['presorted', 'node-sorting'] as const).map((strategy) =>
        new TreeGrower(pre, strategy).grow(
          classificationCriterion(criterionName, x.y, x.nClasses, inBag),
          limits,
          new Random(99),
          inBag,
        ),
      );
      expect(grown[0].nodes.nodeCount).toBeGreaterThan(50);
      expect(grown[1].nodes).toEqual(grown[0].nodes);
      expect(grown[1].importances).toEqual(grown[0].importances);
    }
  });
});
