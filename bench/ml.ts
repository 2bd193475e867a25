/**
 * ML benchmark: our models against scikit-learn on the same matrices, same machine, one thread each.
 *
 *   npm run bench:ml [-- --sizes 20000,80000 --repeat 2 --models RandomForest,KNN --skip-python]
 *
 * For each dataset (generated 20k×20 and 80k×20, and real seattle-weather) it makes one stratified 80/20
 * split, standardizes it, trains and predicts each model here, then writes the very same matrices to CSV
 * and runs test/reference/sklearn_models.py on them with /usr/bin/python3 (if it has scikit-learn). It
 * prints one table with our time, scikit-learn's, and the ratio (ours / theirs: below 1 means faster),
 * and saves the raw figures to bench/results/ml-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LabelledMatrix } from '../layers/ml/data/matrix.ts';
import { takeLabelled } from '../layers/ml/data/matrix.ts';
import { trainTestSplit } from '../layers/ml/data/split.ts';
import { makeClassification } from '../layers/ml/data/synthetic.ts';
import { createModel } from '../layers/ml/models/registry.ts';
import { seattleWeather } from '../test/support/datasets.ts';
import { standardize, toCsv } from './matrices.ts';
import { BENCH_MODELS, type BenchModel } from './models.ts';

interface Measure {
  accuracy: number;
  fitSeconds: number;
  predictSeconds: number;
  predictRowMicros: number;
}

interface Row {
  dataset: string;
  model: string;
  params: Record<string, unknown>;
  ours: Measure;
  sklearn: Measure | undefined;
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20000,80000' },
    repeat: { type: 'string', default: '1' },
    models: { type: 'string' },
    'skip-python': { type: 'boolean', default: false },
    'svc-max-rows': { type: 'string', default: '20000' },
  },
});
const repeat = Math.max(1, Number(values.repeat));
const svcMaxRows = Number(values['svc-max-rows']);
const chosen = values.models ? new Set(values.models.split(',')) : undefined;
const models = BENCH_MODELS.filter((m) => !chosen || chosen.has(m.model));
const python = values['skip-python'] ? undefined : findSklearn();

const datasets: Array<{ name: string; data: LabelledMatrix }> = [
  ...values.sizes.split(',').map((s) => {
    const n = Number(s);
    return {
      name: `generated ${n / 1000}k×20`,
      data: makeClassification({ nRows: n, nFeatures: 20, seed: 42 }),
    };
  }),
  { name: 'seattle-weather 1.5k×4', data: concatSplit(seattleWeather()) },
];

const rows: Row[] = [];
for (const { name, data } of datasets) {
  const split = trainTestSplit(data.nRows, {
    testSize: 0.2,
    seed: 42,
    stratify: data.y,
    nClasses: data.nClasses,
  });
  const { train, test } = standardize(takeLabelled(data, split.train), takeLabelled(data, split.test));
  const eligible = models.filter((m) => m.model !== 'SVC' || data.nRows <= svcMaxRows);
  const theirs = python ? runSklearn(python, train, test, eligible) : [];
  for (const [i, m] of eligible.entries()) {
    const ours = measureOurs(m, train, test);
    rows.push({ dataset: name, model: m.label, params: m.params, ours, sklearn: theirs[i] });
    console.error(
      `${name} ${m.label}: fit ${ours.fitSeconds.toFixed(3)} s, accuracy ${ours.accuracy.toFixed(4)}`,
    );
  }
}

printTable(rows);
const outDir = new URL('./results/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().slice(0, 10);
writeFileSync(
  join(outDir, `ml-${stamp}.json`),
  JSON.stringify({ date: new Date().toISOString(), machine: machine(), rows }, null, 2),
);

function measureOurs(m: BenchModel, train: LabelledMatrix, test: LabelledMatrix): Measure {
  warmUp(m, train);
  let best: Measure | undefined;
  for (let r = 0; r < repeat; r++) {
    const model = createModel(m.model, m.params, 42);
    const t0 = performance.now();
    model.fit(train);
    const t1 = performance.now();
    const pred = model.predict(test);
    const t2 = performance.now();
    const row = new Float64Array(test.nFeatures);
    for (let j = 0; j < test.nFeatures; j++) row[j] = test.values[j * test.nRows];
    const out = new Float64Array(test.nFeatures === 0 ? 0 : train.nClasses);
    const reps = 2000;
    for (let w = 0; w < 200; w++) model.predictProbaRow(row, out);
    const t3 = performance.now();
    for (let w = 0; w < reps; w++) model.predictProbaRow(row, out);
    const t4 = performance.now();
    model.dispose();
    let ok = 0;
    for (let i = 0; i < test.nRows; i++) if (pred[i] === test.y[i]) ok++;
    const measure: Measure = {
      accuracy: ok / test.nRows,
      fitSeconds: (t1 - t0) / 1000,
      predictSeconds: (t2 - t1) / 1000,
      predictRowMicros: ((t4 - t3) * 1000) / reps,
    };
    if (!best || measure.fitSeconds < best.fitSeconds) best = measure;
  }
  return best as Measure;
}

/** One small fit + predict first, so V8 has compiled the hot loops before the timed run (Python's are precompiled). */
function warmUp(m: BenchModel, train: LabelledMatrix): void {
  const n = Math.min(train.nRows, 2000);
  const slice = takeLabelled(
    train,
    Int32Array.from({ length: n }, (_, i) => i),
  );
  const model = createModel(m.model, m.params, 42);
  model.fit(slice);
  model.predict(slice);
  model.dispose();
}

function runSklearn(py: string, train: LabelledMatrix, test: LabelledMatrix, ms: BenchModel[]): Measure[] {
  const dir = mkdtempSync(join(tmpdir(), 'synergy-bench-'));
  writeFileSync(join(dir, 'train.csv'), toCsv(train));
  writeFileSync(join(dir, 'test.csv'), toCsv(test));
  const specs = ms.map((m) => ({ model: m.model, params: m.sklearnParams ?? m.params }));
  const script = new URL('../test/reference/sklearn_models.py', import.meta.url).pathname;
  const best: Measure[] = [];
  for (let r = 0; r < repeat; r++) {
    const res = spawnSync(py, [script, dir, JSON.stringify(specs)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    if (res.status !== 0) throw new Error(`scikit-learn run failed: ${res.stderr}`);
    res.stdout
      .trim()
      .split('\n')
      .forEach((line, i) => {
        const m = JSON.parse(line) as Measure;
        if (!best[i] || m.fitSeconds < best[i].fitSeconds) best[i] = m;
      });
  }
  return best;
}

function findSklearn(): string | undefined {
  const py = '/usr/bin/python3';
  const probe = spawnSync(py, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.error('scikit-learn not found under /usr/bin/python3: printing our figures only');
    return undefined;
  }
  console.error(`scikit-learn ${probe.stdout.trim()} (${py})`);
  return py;
}

function concatSplit(s: { train: LabelledMatrix; test: LabelledMatrix }): LabelledMatrix {
  const { train: a, test: b } = s;
  const n = a.nRows + b.nRows;
  const values = new Float64Array(n * a.nFeatures);
  for (let j = 0; j < a.nFeatures; j++) {
    values.set(a.values.subarray(j * a.nRows, (j + 1) * a.nRows), j * n);
    values.set(b.values.subarray(j * b.nRows, (j + 1) * b.nRows), j * n + a.nRows);
  }
  const y = new Int32Array(n);
  y.set(a.y);
  y.set(b.y, a.nRows);
  return { nRows: n, nFeatures: a.nFeatures, values, y, nClasses: a.nClasses };
}

function machine(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
}

function printTable(all: Row[]): void {
  const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}×` : '—');
  const lines = [
    `ML benchmark, ${new Date().toISOString().slice(0, 10)}, ${machine()}; ratio = ours / scikit-learn (n_jobs=1)`,
    '',
    '| dataset | model | acc ours | acc sklearn | fit s ours | fit s sklearn | fit ratio | predict ratio | 1-row µs ours | 1-row µs sklearn |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of all) {
    const s = r.sklearn;
    lines.push(
      `| ${r.dataset} | ${r.model} | ${r.ours.accuracy.toFixed(4)} | ${s ? s.accuracy.toFixed(4) : '—'} | ` +
        `${r.ours.fitSeconds.toFixed(3)} | ${s ? s.fitSeconds.toFixed(3) : '—'} | ${ratio(r.ours.fitSeconds, s?.fitSeconds)} | ` +
        `${ratio(r.ours.predictSeconds, s?.predictSeconds)} | ${r.ours.predictRowMicros.toFixed(2)} | ${s ? s.predictRowMicros.toFixed(1) : '—'} |`,
    );
  }
  console.log(lines.join('\n'));
}
