/**
 * Single-row RandomForest-100 prediction in isolation (the "≤ 10 µs in-process" goal).
 *
 *   node --import tsx bench/rf-row.ts [--rows 80000] [--calls 100000] [--batches 9] [--cache <file>]
 *                                     [--evict 1,4,16]
 *
 * Grows RandomForest with default params (100 unpruned trees) on the same standardized 80/20 split of
 * generated rows×20 data as bench/ml.ts, or loads the forest a previous run cached (growing one on 64k
 * rows takes ~25 s; pass `--cache ''` to always grow). It first checks `predictProbaRow` bit for bit
 * against a plain per-tree walk of the trees on every test row, then times batches of `calls` calls:
 *   - same row: bench/ml.ts's "1-row µs", the first test row again and again (its paths stay in cache);
 *   - rotating rows: every call another test row, as a server sees them (paths mostly out of cache);
 *   - plain walk: the unpacked per-tree walk (nodes.ts leafOfRow) on rotating rows, for scale;
 *   - after evicting N MiB: rotating rows, each call preceded by writing one byte per cache line of an
 *     N MiB buffer in shuffled order (so the prefetcher cannot help), only the call timed — what a call
 *     costs when other work (a server's network path, V8) has pushed the forest out of L2 (N ≈ 1–4) or
 *     out of the shared L3 too (N = 16 here). Per-call timing includes one hrtime pair, reported apart.
 * Prints per-call µs as median [min–max] over the batches, wall clock and this process's CPU time (the
 * machine is shared: CPU time leaves out the time other processes held the core), and the load average.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { LabelledMatrix } from '../layers/ml/data/matrix.ts';
import { takeLabelled } from '../layers/ml/data/matrix.ts';
import { trainTestSplit } from '../layers/ml/data/split.ts';
import { makeClassification } from '../layers/ml/data/synthetic.ts';
import type { ModelJSON } from '../layers/ml/models/classifier.ts';
import { type RandomForest, randomForestSpec } from '../layers/ml/models/random-forest.ts';
import { leafOfRow, type TreeNodes, treeDepth } from '../layers/ml/models/tree/nodes.ts';
import { standardize } from './matrices.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '80000' },
    calls: { type: 'string', default: '100000' },
    batches: { type: 'string', default: '9' },
    cache: { type: 'string' },
    evict: { type: 'string', default: '1,4,16' },
  },
});
const nRows = Number(values.rows);
const calls = Number(values.calls);
const batches = Number(values.batches);
const cachePath = values.cache ?? `/tmp/synergy-rf-row-${nRows}.json`;

const { train, test } = splitLikeBenchMl(nRows);
const forest = growOrLoad(train, cachePath);
const testRows = rowMajor(test);
const d = test.nFeatures;
const k = train.nClasses;

console.log(describeForest(forest.trees, testRows, test.nRows, d));
checkAgainstPlainWalk(forest, testRows, test.nRows, d, k);

const out = new Float64Array(k);
const firstRow = testRows.subarray(0, d);
const rowViews = Array.from({ length: test.nRows }, (_, i) => testRows.subarray(i * d, (i + 1) * d));
const sameRow = timeBatches(() => {
  for (let c = 0; c < calls; c++) forest.predictProbaRow(firstRow, out);
});
const rotating = timeBatches(() => {
  let i = 0;
  for (let c = 0; c < calls; c++) {
    forest.predictProbaRow(rowViews[i], out);
    i = i + 1 === rowViews.length ? 0 : i + 1;
  }
});
const plain = timeBatches(() => {
  let i = 0;
  for (let c = 0; c < calls; c++) {
    plainWalk(forest.trees, rowViews[i], out);
    i = i + 1 === rowViews.length ? 0 : i + 1;
  }
});
console.log(`predictProbaRow, same row:      ${format(sameRow)}`);
console.log(`predictProbaRow, rotating rows: ${format(rotating)}`);
console.log(`plain walk, rotating rows:      ${format(plain)}`);
for (const mib of values.evict === '' ? [] : values.evict.split(',').map(Number)) {
  const { median, timerPair } = timeAfterEviction(mib, rowViews, out);
  console.log(
    `predictProbaRow after evicting ${mib} MiB: median ${median.toFixed(2)} µs per call ` +
      `(of which the hrtime pair ${timerPair.toFixed(2)} µs)`,
  );
}
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

function splitLikeBenchMl(n: number): { train: LabelledMatrix; test: LabelledMatrix } {
  const data = makeClassification({ nRows: n, nFeatures: 20, seed: 42 });
  const split = trainTestSplit(data.nRows, {
    testSize: 0.2,
    seed: 42,
    stratify: data.y,
    nClasses: data.nClasses,
  });
  return standardize(takeLabelled(data, split.train), takeLabelled(data, split.test));
}

function growOrLoad(data: LabelledMatrix, path: string): RandomForest {
  if (path !== '' && existsSync(path)) {
    console.log(`forest loaded from ${path}`);
    return randomForestSpec.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as ModelJSON) as RandomForest;
  }
  const model = randomForestSpec.create(randomForestSpec.params.parse({}), 42) as RandomForest;
  const t0 = performance.now();
  model.fit(data);
  console.log(`forest grown on ${data.nRows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (path !== '') writeFileSync(path, JSON.stringify(model.toJSON()));
  return model;
}

function rowMajor(m: LabelledMatrix): Float64Array {
  const rows = new Float64Array(m.nRows * m.nFeatures);
  for (let j = 0; j < m.nFeatures; j++) {
    for (let i = 0; i < m.nRows; i++) rows[i * m.nFeatures + j] = m.values[j * m.nRows + i];
  }
  return rows;
}

function describeForest(trees: readonly TreeNodes[], rows: Float64Array, n: number, width: number): string {
  let nodes = 0;
  let maxDepth = 0;
  for (const t of trees) {
    nodes += t.nodeCount;
    maxDepth = Math.max(maxDepth, treeDepth(t));
  }
  // Steps per row: how many node visits one prediction makes, the unit of its cost.
  let steps = 0;
  for (let i = 0; i < n; i++) {
    const row = rows.subarray(i * width, (i + 1) * width);
    for (const t of trees) {
      let node = 0;
      while (t.feature[node] >= 0) {
        node = row[t.feature[node]] > t.threshold[node] ? t.right[node] : t.left[node];
        steps++;
      }
    }
  }
  return (
    `${trees.length} trees, ${nodes} nodes, max depth ${maxDepth}, ` +
    `${(steps / n).toFixed(0)} internal nodes visited per row (mean over ${n} test rows)`
  );
}

function plainWalk(trees: readonly TreeNodes[], row: Float64Array, into: Float64Array): void {
  const w = into.length;
  into.fill(0);
  for (const t of trees) {
    const leaf = leafOfRow(t, row);
    for (let c = 0; c < w; c++) into[c] += t.value[leaf * w + c];
  }
  for (let c = 0; c < w; c++) into[c] /= trees.length;
}

function checkAgainstPlainWalk(
  model: RandomForest,
  rows: Float64Array,
  n: number,
  width: number,
  nClasses: number,
): void {
  const ours = new Float64Array(nClasses);
  const expected = new Float64Array(nClasses);
  for (let i = 0; i < n; i++) {
    const row = rows.subarray(i * width, (i + 1) * width);
    model.predictProbaRow(row, ours);
    plainWalk(model.trees, row, expected);
    for (let c = 0; c < nClasses; c++) {
      if (!Object.is(ours[c], expected[c])) {
        throw new Error(`row ${i} class ${c}: predictProbaRow ${ours[c]} but the plain walk ${expected[c]}`);
      }
    }
  }
  console.log(`predictProbaRow equals the plain walk bit for bit on all ${n} test rows`);
}

/** Per-call µs of each batch (wall, CPU), after one untimed batch so the timed ones run optimized code. */
function timeBatches(batch: () => void): { wall: number[]; cpu: number[] } {
  batch();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    batch();
    const used = process.cpuUsage(c0);
    wall.push(((performance.now() - t0) * 1000) / calls);
    cpu.push((used.user + used.system) / calls);
  }
  return { wall, cpu };
}

function format({ wall, cpu }: { wall: number[]; cpu: number[] }): string {
  const spread = (micros: number[]) => {
    const sorted = micros.slice().sort((a, b) => a - b);
    const f = (v: number) => v.toFixed(2);
    return `${f(sorted[Math.floor(sorted.length / 2)])} [${f(sorted[0])}–${f(sorted[sorted.length - 1])}]`;
  };
  return `wall ${spread(wall)} µs, CPU ${spread(cpu)} µs (median [min–max] of ${batches} × ${calls} calls)`;
}

/** Median µs of one call on rotating rows, each made after touching every cache line of `mib` MiB. */
function timeAfterEviction(
  mib: number,
  rows: readonly Float64Array[],
  into: Float64Array,
): { median: number; timerPair: number } {
  const buffer = new Uint8Array(mib * 1024 * 1024);
  const lines = new Int32Array(buffer.length >> 6);
  for (let i = 0; i < lines.length; i++) lines[i] = i << 6;
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const samples = 3000;
  const micros = new Float64Array(samples);
  const pairs = new Float64Array(samples);
  for (let s = -300; s < samples; s++) {
    for (let i = 0; i < lines.length; i++) buffer[lines[i]]++;
    const row = rows[(s + rows.length) % rows.length];
    const t0 = process.hrtime.bigint();
    forest.predictProbaRow(row, into);
    const t1 = process.hrtime.bigint();
    const t2 = process.hrtime.bigint();
    if (s < 0) continue;
    micros[s] = Number(t1 - t0) / 1000;
    pairs[s] = Number(t2 - t1) / 1000;
  }
  const median = (xs: Float64Array) => xs.slice().sort()[xs.length >> 1];
  return { median: median(micros), timerPair: median(pairs) };
}
