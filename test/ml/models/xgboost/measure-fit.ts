/**
 * Measures (does not assert) XGBoost fit time against the xgboost library (tree_method='hist',
 * n_jobs=1) on the same matrices: generated 80k×20 (makeClassification seed 42), stratified 80/20 split,
 * standardized, as bench/ml.ts.
 *
 *   npx tsx test/ml/models/xgboost/measure-fit.ts [--repeat 5] [--n-estimators 100] [--skip-python]
 *     [--detach-buffer]
 *
 * --detach-buffer detaches one ArrayBuffer first, the state of a bench/ml.ts process (under tsx, requiring
 * libsvm-js's emscripten glue, as importing the SVC model does, detaches one; so does growing a wasm
 * memory): from then on V8's optimized code re-checks the buffer on every typed-array access.
 *
 * Runs ours and xgboost alternately (both see the same background load) and prints the best of
 * `repeat` for wall time and CPU time (process.cpuUsage vs time.process_time), accuracy, and the ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { standardize, toCsv } from '../../../../bench/matrices.ts';
import { takeLabelled } from '../../../../layers/ml/data/matrix.ts';
import { trainTestSplit } from '../../../../layers/ml/data/split.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { xgboostParams, xgboostSpec } from '../../../../layers/ml/models/xgboost.ts';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '5' },
    'n-estimators': { type: 'string', default: '100' },
    'skip-python': { type: 'boolean', default: false },
    'detach-buffer': { type: 'boolean', default: false },
  },
});
if (values['detach-buffer']) {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
}
const repeat = Number(values.repeat);
const params = { n_estimators: Number(values['n-estimators']) };

const data = makeClassification({ nRows: 80000, nFeatures: 20, seed: 42 });
const split = trainTestSplit(data.nRows, {
  testSize: 0.2,
  seed: 42,
  stratify: data.y,
  nClasses: data.nClasses,
});
const { train, test } = standardize(takeLabelled(data, split.train), takeLabelled(data, split.test));

interface Run {
  fitSeconds: number;
  cpuSeconds: number;
  accuracy: number;
}

function fitOurs(): Run {
  const model = xgboostSpec.create(xgboostParams.parse(params), 42);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  model.fit(train);
  const fitSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pred = model.predict(test);
  let correct = 0;
  for (let i = 0; i < test.nRows; i++) if (pred[i] === test.y[i]) correct++;
  return { fitSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, accuracy: correct / test.nRows };
}

const PYTHON = `
import json, sys, time
import numpy as np
from xgboost import XGBClassifier
folder, params = sys.argv[1], json.loads(sys.argv[2])
tr = np.loadtxt(folder + "/train.csv", delimiter=","); te = np.loadtxt(folder + "/test.csv", delimiter=",")
m = XGBClassifier(tree_method="hist", n_jobs=1, random_state=42, **params)
c0 = time.process_time(); t0 = time.perf_counter()
m.fit(tr[:, :-1], tr[:, -1].astype(int))
t1 = time.perf_counter(); c1 = time.process_time()
acc = float((m.predict(te[:, :-1]) == te[:, -1].astype(int)).mean())
print(json.dumps({"fitSeconds": t1 - t0, "cpuSeconds": c1 - c0, "accuracy": acc}), flush=True)
`;

const dir = '/tmp/synergy-xgboost-measure';
function fitXgboost(): Run {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const py = spawnSync('/usr/bin/python3', ['-W', 'ignore', '-c', PYTHON, dir, JSON.stringify(params)], {
    env,
    encoding: 'utf8',
  });
  if (py.status !== 0) throw new Error(`python failed: ${py.stderr}`);
  return JSON.parse(py.stdout.trim()) as Run;
}

const best = (runs: Run[], key: 'fitSeconds' | 'cpuSeconds') => Math.min(...runs.map((r) => r[key]));

if (!values['skip-python']) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/train.csv`, toCsv(train));
  writeFileSync(`${dir}/test.csv`, toCsv(test));
}
fitOurs(); // warm-up: V8 compiles the hot loops before the timed runs (xgboost's are precompiled)
const ours: Run[] = [];
const theirs: Run[] = [];
for (let r = 0; r < repeat; r++) {
  ours.push(fitOurs());
  console.log('ours   ', JSON.stringify(ours[r]));
  if (!values['skip-python']) {
    theirs.push(fitXgboost());
    console.log('xgboost', JSON.stringify(theirs[r]));
  }
}
const summary: Record<string, unknown> = {
  params,
  ours: { wall: best(ours, 'fitSeconds'), cpu: best(ours, 'cpuSeconds'), accuracy: ours[0].accuracy },
};
if (theirs.length > 0) {
  Object.assign(summary, {
    xgboost: {
      wall: best(theirs, 'fitSeconds'),
      cpu: best(theirs, 'cpuSeconds'),
      accuracy: theirs[0].accuracy,
    },
    wallRatio: best(ours, 'fitSeconds') / best(theirs, 'fitSeconds'),
    cpuRatio: best(ours, 'cpuSeconds') / best(theirs, 'cpuSeconds'),
  });
}
console.log(JSON.stringify(summary, null, 2));
