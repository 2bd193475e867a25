/**
 * Tiny classifiers written for the search tests, so they do not depend on the real models: a threshold
 * rule on feature 0 (accuracy is easy to reason about) and a k-nearest-neighbour vote. Both count how
 * often they are created, fitted and disposed.
 */
import * as z from 'zod/mini';
import type { FeatureMatrix, LabelledMatrix } from '../../../layers/ml/data/matrix.ts';
import type { Classifier, ModelJSON, ModelSpec } from '../../../layers/ml/models/classifier.ts';
import { argmaxRows } from '../../../layers/ml/models/classifier.ts';

export interface Calls {
  created: number;
  disposed: number;
  fitRows: number[];
  seeds: number[];
}

abstract class FakeBase implements Classifier {
  abstract readonly name: 'DecisionTree' | 'KNN';
  protected nClasses = 0;
  constructor(protected readonly calls: Calls) {}
  abstract fit(train: LabelledMatrix): void;
  abstract predictProbaRow(row: Float64Array, out: Float64Array): void;
  predictProba(x: FeatureMatrix): Float64Array {
    const out = new Float64Array(x.nRows * this.nClasses);
    const row = new Float64Array(x.nFeatures);
    for (let i = 0; i < x.nRows; i++) {
      for (let j = 0; j < x.nFeatures; j++) row[j] = x.values[j * x.nRows + i];
      this.predictProbaRow(row, out.subarray(i * this.nClasses, (i + 1) * this.nClasses));
    }
    return out;
  }
  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.nClasses);
  }
  featureImportances(): undefined {
    return undefined;
  }
  toJSON(): ModelJSON {
    throw new Error('not needed by the search tests');
  }
  dispose(): void {
    this.calls.disposed++;
  }
}

/** Predicts class 1 when feature 0 exceeds `threshold`, else class 0. */
class Threshold extends FakeBase {
  readonly name = 'DecisionTree';
  constructor(
    calls: Calls,
    private readonly threshold: number,
  ) {
    super(calls);
  }
  fit(train: LabelledMatrix): void {
    this.nClasses = train.nClasses;
    this.calls.fitRows.push(train.nRows);
  }
  predictProbaRow(row: Float64Array, out: Float64Array): void {
    out.fill(0);
    out[row[0] > this.threshold ? 1 : 0] = 1;
  }
}

/** Plain k-NN (squared Euclidean, ties between equal distances go to the earlier training row). */
class NearestNeighbours extends FakeBase {
  readonly name = 'KNN';
  private train: LabelledMatrix | undefined;
  constructor(
    calls: Calls,
    private readonly k: number,
  ) {
    super(calls);
  }
  fit(train: LabelledMatrix): void {
    this.train = train;
    this.nClasses = train.nClasses;
    this.calls.fitRows.push(train.nRows);
  }
  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const t = this.train;
    if (!t) throw new Error('not fitted');
    const dist = Array.from({ length: t.nRows }, (_, i) => {
      let d = 0;
      for (let j = 0; j < t.nFeatures; j++) d += (t.values[j * t.nRows + i] - row[j]) ** 2;
      return { i, d };
    }).sort((a, b) => a.d - b.d || a.i - b.i);
    out.fill(0);
    for (const { i } of dist.slice(0, this.k)) out[t.y[i]] += 1 / this.k;
  }
}

export function newCalls(): Calls {
  return { created: 0, disposed: 0, fitRows: [], seeds: [] };
}

export function thresholdSpec(calls: Calls): ModelSpec<{ threshold: number }> {
  return {
    name: 'DecisionTree',
    params: z.strictObject({ threshold: z._default(z.number(), 0) }),
    create(params, seed) {
      calls.created++;
      calls.seeds.push(seed);
      return new Threshold(calls, params.threshold);
    },
    fromJSON() {
      throw new Error('not needed by the search tests');
    },
  };
}

export function knnSpec(calls: Calls): ModelSpec<{ n_neighbors: number }> {
  return {
    name: 'KNN',
    params: z.strictObject({ n_neighbors: z._default(z.int().check(z.minimum(1)), 5) }),
    create(params, seed) {
      calls.created++;
      calls.seeds.push(seed);
      return new NearestNeighbours(calls, params.n_neighbors);
    },
    fromJSON() {
      throw new Error('not needed by the search tests');
    },
  };
}
