import { describe, expect, it } from 'vitest';
import {
  type CellShape,
  cellBudgetSeconds,
  estimateCellSeconds,
  LAMBDA_LIMIT_SECONDS,
  maxTrainRowsWithin,
} from '../../../layers/core/pipeline/cell-cost.ts';
import { ParamsError } from '../../../layers/ml/errors.ts';
import { MODEL_NAMES } from '../../../layers/ml/models/classifier.ts';

const shape: CellShape = {
  trainRows: 40_000,
  scoredRows: 10_000,
  datasetRows: 62_500,
  nFeatures: 20,
  nClasses: 2,
};

describe('estimateCellSeconds', () => {
  it('grows with the training rows for every model (so bisection on rows is sound)', () => {
    for (const model of MODEL_NAMES) {
      const small = estimateCellSeconds(model, {}, { ...shape, trainRows: 1_000 });
      const large = estimateCellSeconds(model, {}, shape);
      expect(large, model).toBeGreaterThan(small);
    }
  });

  it('follows the parameters that drive the cost', () => {
    const at = (model: (typeof MODEL_NAMES)[number], params: Record<string, unknown>, s: CellShape = shape) =>
      estimateCellSeconds(model, params, s);
    expect(at('RandomForest', { n_estimators: 150 })).toBeGreaterThan(
      at('RandomForest', { n_estimators: 50 }),
    );
    expect(at('SVC', { kernel: 'linear', C: 10 })).toBeGreaterThan(at('SVC', { kernel: 'linear', C: 0.1 }));
    expect(at('MLP', { hidden_layer_sizes: [100] })).toBeGreaterThan(at('MLP', { hidden_layer_sizes: [50] }));
    expect(at('DecisionTree', { max_depth: 3 })).toBeLessThan(at('DecisionTree', {}));
    const fourClasses = { ...shape, nClasses: 4 };
    expect(at('GradientBoosting', {}, fourClasses)).toBeGreaterThan(at('GradientBoosting', {}) * 3);
    expect(at('KNN', {}, { ...shape, scoredRows: 20_000 })).toBeGreaterThan(at('KNN', {}));
  });

  it('includes loading the dataset even for a trivial fit', () => {
    const tiny = { ...shape, trainRows: 10, scoredRows: 10 };
    const bigDataset = estimateCellSeconds('DecisionTree', {}, { ...tiny, datasetRows: 10_000_000 });
    expect(bigDataset - estimateCellSeconds('DecisionTree', {}, tiny)).toBeGreaterThan(20);
  });

  it('validates the parameters like the model does', () => {
    expect(() => estimateCellSeconds('SVC', { C: -1 }, shape)).toThrow(ParamsError);
  });
});

describe('maxTrainRowsWithin', () => {
  const budget = cellBudgetSeconds();

  it('keeps 80% of the Lambda limit as the budget', () => {
    expect(budget).toBe(0.8 * LAMBDA_LIMIT_SECONDS);
  });

  it('finds the boundary: the cap fits, one row more does not', () => {
    const big = { ...shape, trainRows: 500_000 };
    const rows = maxTrainRowsWithin('SVC', { kernel: 'rbf' }, big, budget);
    expect(rows).toBeGreaterThan(1000);
    expect(rows).toBeLessThan(big.trainRows);
    expect(estimateCellSeconds('SVC', { kernel: 'rbf' }, { ...big, trainRows: rows })).toBeLessThanOrEqual(
      budget,
    );
    expect(estimateCellSeconds('SVC', { kernel: 'rbf' }, { ...big, trainRows: rows + 1 })).toBeGreaterThan(
      budget,
    );
  });

  it('returns all rows when they fit and 0 when loading the dataset alone is over budget', () => {
    expect(maxTrainRowsWithin('LogisticRegression', {}, shape, budget)).toBe(shape.trainRows);
    const hugeDataset = { ...shape, trainRows: 1_000_000, datasetRows: 300_000_000 };
    expect(maxTrainRowsWithin('KNN', {}, hugeDataset, budget)).toBe(0);
  });
});
