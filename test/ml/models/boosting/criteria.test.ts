import { describe, expect, it } from 'vitest';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { GiniCriterion } from '../../../../layers/ml/models/tree/classification-criteria.ts';
import { type GrowthLimits, TreeGrower } from '../../../../layers/ml/models/tree/grower.ts';
import { presortFeatures } from '../../../../layers/ml/models/tree/presort.ts';
import {
  FriedmanMseCriterion,
  SquaredErrorCriterion,
} from '../../../../layers/ml/models/tree/regression-criteria.ts';
import { WeightedGiniCriterion } from '../../../../layers/ml/models/tree/weighted-gini-criterion.ts';
import { Random } from '../../../../layers/ml/random.ts';

const limits: GrowthLimits = { maxDepth: 4, minSamplesSplit: 2, minSamplesLeaf: 3, maxFeatures: 5 };

describe('regression criteria', () => {
  it('compute the node variance and mean by hand', () => {
    const target = Float64Array.from([1, 2, 3, 6]);
    const c = new FriedmanMseCriterion(target);
    c.initNode(Int32Array.from([0, 1, 2, 3]), 0, 4);
    expect(c.nodeWeight()).toBe(4);
    expect(c.nodeImpurity()).toBeCloseTo((4 + 1 + 0 + 9) / 4, 12);
    const leaf = new Float64Array(1);
    c.writeLeafValue(leaf, 0);
    expect(leaf[0]).toBe(3);
  });

  it('friedman_mse and squared_error grow the same regression tree', () => {
    const data = makeClassification({ nRows: 2000, nFeatures: 5, seed: 4 });
    const target = Float64Array.from(data.y, (v, i) => v + Math.sin(i));
    const grower = new TreeGrower(presortFeatures(data));
    const a = grower.grow(new FriedmanMseCriterion(target), limits, new Random(1));
    const b = grower.grow(new SquaredErrorCriterion(target), limits, new Random(1));
    expect(Array.from(a.nodes.feature)).toEqual(Array.from(b.nodes.feature));
    expect(Array.from(a.nodes.threshold)).toEqual(Array.from(b.nodes.threshold));
    expect(a.nodes.nodeCount).toBeGreaterThan(7);
    // Unnormalised importances are the normalised ones up to one factor.
    const ratio = a.impurityDecrease[0] / a.importances[0];
    for (let j = 0; j < 5; j++) expect(a.impurityDecrease[j]).toBeCloseTo(a.importances[j] * ratio, 12);
  });
});

describe('weighted gini', () => {
  it('grows the same tree as the whole-number gini on bootstrap counts', () => {
    const data = makeClassification({ nRows: 3000, nFeatures: 5, nClasses: 3, seed: 5 });
    const rng = new Random(3);
    const weights = new Float64Array(data.nRows);
    for (let k = 0; k < data.nRows; k++) weights[rng.int(data.nRows)]++;
    const grower = new TreeGrower(presortFeatures(data));
    const whole = grower.grow(new GiniCriterion(data.y, 3, weights), limits, new Random(8), weights);
    const real = grower.grow(new WeightedGiniCriterion(data.y, 3, weights), limits, new Random(8), weights);
    expect(Array.from(real.nodes.feature)).toEqual(Array.from(whole.nodes.feature));
    expect(Array.from(real.nodes.threshold)).toEqual(Array.from(whole.nodes.threshold));
    for (let k = 0; k < whole.nodes.value.length; k++) {
      expect(real.nodes.value[k]).toBeCloseTo(whole.nodes.value[k], 12);
    }
  });

  it('follows fractional weights: a heavy row changes the stump', () => {
    const data = makeClassification({ nRows: 400, nFeatures: 3, seed: 6 });
    const weights = new Float64Array(data.nRows).fill(1 / data.nRows);
    const stump: GrowthLimits = { maxDepth: 1, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 3 };
    const grower = new TreeGrower(presortFeatures(data));
    const criterion = new WeightedGiniCriterion(data.y, 2, weights);
    const before = grower.grow(criterion, stump, new Random(1)).nodes.value.slice();
    weights[0] = 10;
    const after = grower.grow(criterion, stump, new Random(1)).nodes.value;
    expect(Array.from(after)).not.toEqual(Array.from(before));
  });
});
