import { describe, expect, it } from 'vitest';
import { ParamsError } from '../../../layers/ml/errors.ts';
import { loadGridConfig } from '../../../layers/ml/search/grid-config.ts';

describe('loadGridConfig', () => {
  it('returns only the fields given', () => {
    expect(loadGridConfig({})).toEqual({});
    expect(loadGridConfig(undefined)).toEqual({});
    const cfg = loadGridConfig({
      models: ['SVC', 'KNN'],
      grids: { SVC: { C: [1, 100], kernel: ['rbf'] }, MLP: { hidden_layer_sizes: [[10, 10]] } },
      folds: 3,
      seed: 7,
      testSize: 0.25,
    });
    expect(cfg).toEqual({
      models: ['SVC', 'KNN'],
      grids: { SVC: { C: [1, 100], kernel: ['rbf'] }, MLP: { hidden_layer_sizes: [[10, 10]] } },
      folds: 3,
      seed: 7,
      testSize: 0.25,
    });
  });

  it('names the field path of the first problem', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ models: ['SVC', 'Bayes'] }, /^grid config: models\[1\]: unknown model "Bayes" \(expected one of/],
      [{ models: [] }, /^grid config: models: must list at least one model/],
      [{ models: ['KNN', 'KNN'] }, /^grid config: models\[1\]: "KNN" is listed twice/],
      [{ grids: { Bayes: { a: [1] } } }, /^grid config: grids\.Bayes: unknown model "Bayes"/],
      [{ grids: { SVC: { C: [] } } }, /^grid config: grids\.SVC\.C: must be a non-empty list of values/],
      [{ grids: { SVC: { C: 1 } } }, /^grid config: grids\.SVC\.C: /],
      [{ folds: 1 }, /^grid config: folds: /],
      [{ folds: 2.5 }, /^grid config: folds: /],
      [{ testSize: 1 }, /^grid config: testSize: /],
      [{ seed: -1 }, /^grid config: seed: /],
      [{ fold: 5 }, /^grid config: fold: unknown field "fold"/],
      [[1, 2], /^grid config: \(config\): /],
    ];
    for (const [json, message] of cases) {
      expect(() => loadGridConfig(json)).toThrow(ParamsError);
      expect(() => loadGridConfig(json)).toThrow(message);
    }
  });

  it('runs the validate hook on every combination and reports the model', () => {
    const seen: string[] = [];
    loadGridConfig(
      { grids: { SVC: { kernel: ['linear', 'rbf'], C: [1, 10] } } },
      { validate: (model, params) => seen.push(`${model}:${params.C}:${params.kernel}`) },
    );
    expect(seen).toEqual(['SVC:1:linear', 'SVC:1:rbf', 'SVC:10:linear', 'SVC:10:rbf']);
    const validate = (_model: string, params: Record<string, unknown>) => {
      if (params.kernel === 'poly')
        throw new ParamsError('SVC: invalid parameter kernel: poly is not supported');
    };
    expect(() => loadGridConfig({ grids: { SVC: { kernel: ['rbf', 'poly'] } } }, { validate })).toThrow(
      /^grid config: grids\.SVC: SVC: invalid parameter kernel: poly is not supported/,
    );
  });
});
