import { describe, expect, it } from 'vitest';
import { fromRowMajor } from '../../../../layers/ml/data/matrix.ts';
import { MlError } from '../../../../layers/ml/errors.ts';
import {
  nearestNeighbours,
  nearestNeighboursOfRow,
  packColumns,
  packTraining,
  rowScratch,
  unpackTraining,
} from '../../../../layers/ml/models/knn/brute-force.ts';
import { createMemory } from '../../../../layers/ml/models/knn/wasm/runtime.ts';
import { createKnn } from '../../../../layers/ml/models/knn.ts';

/** Row-major values in {0, …, levels-1} from a fixed LCG: small integers make many exact distance ties. */
function integerRows(n: number, d: number, levels: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n * d }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * levels);
  });
}

/** The k nearest by (distance, index), from a full sort. */
function naive(train: Float64Array, nTrain: number, query: Float64Array, q: number, d: number, k: number) {
  const all = Array.from({ length: nTrain }, (_, t) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (query[q * d + j] - train[t * d + j]) ** 2;
    return { t, dist: Math.sqrt(s) };
  }).sort((a, b) => a.dist - b.dist || a.t - b.t);
  return all.slice(0, k);
}

function expectNaive(
  train: Float64Array,
  nTrain: number,
  queries: Float64Array,
  nQueries: number,
  d: number,
  k: number,
) {
  const { indices, distances } = nearestNeighbours(packTraining(train, nTrain, d), queries, nQueries, k);
  for (let q = 0; q < nQueries; q++) {
    const expected = naive(train, nTrain, queries, q, d, k);
    expect(Array.from(indices.subarray(q * k, (q + 1) * k))).toEqual(expected.map((e) => e.t));
    expect(Array.from(distances.subarray(q * k, (q + 1) * k))).toEqual(expected.map((e) => e.dist));
  }
}

describe('brute-force neighbour search (WebAssembly kernel)', () => {
  it('matches a full sort across cache chunks, kernel calls and a padded last block', () => {
    // 160 features make a cache chunk 256 rows, so 601 rows span 3 chunks plus padding; 1030 queries
    // span two kernel calls (256 blocks of 4) and end in a block of 2.
    const d = 160;
    const train = integerRows(601, d, 2, 7);
    const queries = integerRows(1030, d, 2, 8);
    expectNaive(train, 601, queries, 1030, d, 7);
  });

  it('matches a full sort across query batches', () => {
    // 16390 queries: one full batch of 16384 and a second of 6.
    const d = 2;
    const train = integerRows(45, d, 4, 1);
    const queries = integerRows(16390, d, 4, 2);
    expectNaive(train, 45, queries, 16390, d, 7);
  });

  it('k = 1 and k = all rows', () => {
    const d = 3;
    const train = integerRows(21, d, 3, 5);
    const queries = integerRows(9, d, 3, 6);
    expectNaive(train, 21, queries, 9, d, 1);
    expectNaive(train, 21, queries, 9, d, 21);
  });

  it('the one-row path equals the batch path, before and after a batch grows the memory', () => {
    const d = 5;
    const k = 4;
    const train = integerRows(300, d, 5, 3);
    const queries = integerRows(2000, d, 5, 4);
    const pack = packTraining(train, 300, d);
    const scratch = rowScratch(k);
    const one = (q: number) => {
      nearestNeighboursOfRow(pack, queries.subarray(q * d, (q + 1) * d), k, scratch);
      return [Array.from(scratch.indices), Array.from(scratch.distances)];
    };
    const before = one(17);
    const batch = nearestNeighbours(pack, queries, 2000, k);
    for (const q of [0, 17, 1999]) {
      const expected = [
        Array.from(batch.indices.subarray(q * k, (q + 1) * k)),
        Array.from(batch.distances.subarray(q * k, (q + 1) * k)),
      ];
      expect(one(q)).toEqual(expected);
      if (q === 17) expect(before).toEqual(expected);
    }
  });

  it('packs column-major and row-major input identically, and unpacks exactly', () => {
    const rows = Float64Array.from({ length: 13 * 3 }, (_, i) => Math.sin(i) * 1e3);
    const fromRows = packTraining(rows, 13, 3);
    const fromColumns = packColumns(fromRowMajor(rows, 13, 3));
    expect(Array.from(unpackTraining(fromRows))).toEqual(Array.from(rows));
    expect(Array.from(unpackTraining(fromColumns))).toEqual(Array.from(rows));
    const queries = rows.slice(0, 9);
    expect(nearestNeighbours(fromColumns, queries, 3, 4)).toEqual(nearestNeighbours(fromRows, queries, 3, 4));
  });

  it('predictProbaRow stays identical to predictProba when predict calls interleave', () => {
    const rows = integerRows(400, 4, 6, 9);
    const x = fromRowMajor(rows, 400, 4);
    const y = Int32Array.from({ length: 400 }, (_, i) => (rows[i * 4] + rows[i * 4 + 1]) % 3);
    const model = createKnn({ n_neighbors: 6, weights: 'distance' });
    model.fit({ ...x, y, nClasses: 3 });
    const out = new Float64Array(3);
    model.predictProbaRow(rows.subarray(0, 4), out);
    const first = Array.from(out);
    const proba = model.predictProba(x);
    expect(first).toEqual(Array.from(proba.subarray(0, 3)));
    for (const i of [0, 123, 399]) {
      model.predictProbaRow(rows.subarray(i * 4, (i + 1) * 4), out);
      expect(Array.from(out)).toEqual(Array.from(proba.subarray(i * 3, (i + 1) * 3)));
    }
  });

  it('refuses a training set beyond the 4 GiB wasm address space with MlError', () => {
    expect(() => createMemory(5 * 2 ** 30)).toThrow(MlError);
  });
});
