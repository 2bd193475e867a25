/**
 * k-nearest-neighbours classification as scikit-learn's `KNeighborsClassifier` with the Euclidean
 * metric (minkowski, p=2): exact brute-force search (see knn/brute-force.ts), votes weighted uniformly
 * or by 1/distance, where an exact match (distance 0) takes all the weight. The fitted model is the
 * training data, so the JSON keeps it, as scikit-learn's pickle does.
 */

import type { FeatureMatrix, LabelledMatrix } from '../data/matrix.ts';
import { toRowMajor } from '../data/matrix.ts';
import { MlError, ModelFormatError, ParamsError } from '../errors.ts';
import * as z from '../zod.ts';
import type { Classifier, ModelJSON, ModelSpec } from './classifier.ts';
import { argmaxRows } from './classifier.ts';
import type { RowScratch, TrainingPack } from './knn/brute-force.ts';
import {
  nearestNeighbours,
  nearestNeighboursOfRow,
  packColumns,
  packTraining,
  rowScratch,
  unpackTraining,
} from './knn/brute-force.ts';
import { checkFeatures, checkTrainingSet } from './linear/data-checks.ts';
import { finiteArray, indexArray, positiveInteger, readHeader, stateObject } from './linear/model-json.ts';

export const knnParams = z.strictObject({
  n_neighbors: z._default(z.int().check(z.minimum(1)), 5),
  weights: z._default(z.enum(['uniform', 'distance']), 'uniform'),
});

export type KnnParams = z.infer<typeof knnParams>;

const FORMAT_VERSION = 1;

interface Fitted {
  readonly pack: TrainingPack;
  readonly y: Int32Array;
  readonly nClasses: number;
  /** Scratch for the allocation-free serving path. */
  readonly scratch: RowScratch;
}

/**
 * Class shares of one query's neighbours into `out[o … o+nClasses-1]`, as scikit-learn's predict_proba:
 * weights summed per class in neighbour order, then divided by their total.
 */
function vote(
  y: Int32Array,
  indices: Int32Array,
  distances: Float64Array,
  base: number,
  k: number,
  byDistance: boolean,
  out: Float64Array,
  o: number,
  nClasses: number,
): void {
  out.fill(0, o, o + nClasses);
  let exact = false;
  if (byDistance) {
    for (let r = 0; r < k; r++) if (distances[base + r] === 0) exact = true;
  }
  for (let r = 0; r < k; r++) {
    const dist = distances[base + r];
    const w = !byDistance ? 1 : exact ? (dist === 0 ? 1 : 0) : 1 / dist;
    out[o + y[indices[base + r]]] += w;
  }
  let total = 0;
  for (let c = 0; c < nClasses; c++) total += out[o + c];
  if (total === 0) total = 1;
  for (let c = 0; c < nClasses; c++) out[o + c] /= total;
}

class Knn implements Classifier {
  readonly name = 'KNN' as const;
  private fitted: Fitted | undefined;

  constructor(
    readonly params: KnnParams,
    fitted?: Fitted,
  ) {
    this.fitted = fitted;
  }

  fit(train: LabelledMatrix): void {
    checkTrainingSet(train, this.name);
    const k = this.params.n_neighbors;
    if (k > train.nRows) {
      throw new ParamsError(`KNN: n_neighbors=${k} exceeds the ${train.nRows} training rows`, {
        model: 'KNN',
        field: 'n_neighbors',
      });
    }
    this.fitted = makeFitted(packColumns(train), Int32Array.from(train.y), train.nClasses, k);
  }

  private model(): Fitted {
    if (!this.fitted) throw new MlError(`${this.name}: predict called before fit`);
    return this.fitted;
  }

  predict(x: FeatureMatrix): Int32Array {
    return argmaxRows(this.predictProba(x), x.nRows, this.model().nClasses);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const m = this.model();
    checkFeatures(x, m.pack.nFeatures, this.name);
    const k = this.params.n_neighbors;
    const { indices, distances } = nearestNeighbours(m.pack, toRowMajor(x), x.nRows, k);
    const out = new Float64Array(x.nRows * m.nClasses);
    const byDistance = this.params.weights === 'distance';
    for (let i = 0; i < x.nRows; i++) {
      vote(m.y, indices, distances, i * k, k, byDistance, out, i * m.nClasses, m.nClasses);
    }
    return out;
  }

  predictProbaRow(row: Float64Array, out: Float64Array): void {
    const m = this.model();
    const k = this.params.n_neighbors;
    nearestNeighboursOfRow(m.pack, row, k, m.scratch);
    vote(
      m.y,
      m.scratch.indices,
      m.scratch.distances,
      0,
      k,
      this.params.weights === 'distance',
      out,
      0,
      m.nClasses,
    );
  }

  /** KNN has no native importance (permutation importance is computed elsewhere). */
  featureImportances(): undefined {
    return undefined;
  }

  /** The k nearest training rows (indices, distances; `nRows × k`, nearest first) of each row of `x`. */
  kneighbors(x: FeatureMatrix): { indices: Int32Array; distances: Float64Array } {
    const m = this.model();
    checkFeatures(x, m.pack.nFeatures, this.name);
    return nearestNeighbours(m.pack, toRowMajor(x), x.nRows, this.params.n_neighbors);
  }

  toJSON(): ModelJSON {
    const m = this.model();
    return {
      format: 'synergy.KNN',
      formatVersion: FORMAT_VERSION,
      model: this.name,
      params: { ...this.params },
      nFeatures: m.pack.nFeatures,
      nClasses: m.nClasses,
      state: { nRows: m.pack.nRows, x: Array.from(unpackTraining(m.pack)), y: Array.from(m.y) },
    };
  }

  dispose(): void {}
}

function makeFitted(pack: TrainingPack, y: Int32Array, nClasses: number, k: number): Fitted {
  return { pack, y, nClasses, scratch: rowScratch(k) };
}

function parseParams(params: unknown): KnnParams {
  const parsed = knnParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParamsError(`KNN: invalid parameter ${issue.path.join('.') || '(params)'}: ${issue.message}`, {
      model: 'KNN',
      field: issue.path.join('.'),
    });
  }
  return parsed.data;
}

function fromJSON(json: ModelJSON): Classifier {
  const params = readHeader(json, 'KNN', FORMAT_VERSION, knnParams);
  const state = stateObject(json.state, 'KNN');
  const nRows = positiveInteger(state.nRows, 'KNN: state.nRows');
  if (params.n_neighbors > nRows) {
    throw new ModelFormatError(`KNN: n_neighbors=${params.n_neighbors} exceeds the ${nRows} stored rows`);
  }
  const x = finiteArray(state.x, nRows * json.nFeatures, 'KNN: state.x');
  const y = indexArray(state.y, nRows, json.nClasses, 'KNN: state.y');
  const fitted = makeFitted(packTraining(x, nRows, json.nFeatures), y, json.nClasses, params.n_neighbors);
  return new Knn(params, fitted);
}

export const knnSpec: ModelSpec<KnnParams> = {
  name: 'KNN',
  params: knnParams,
  create: (params) => new Knn(parseParams(params)),
  fromJSON,
};

/** Direct construction for callers that want `kneighbors()` (tests, reports). */
export function createKnn(params: Partial<KnnParams> = {}): Knn {
  return new Knn(parseParams(params));
}

export type { Knn };
