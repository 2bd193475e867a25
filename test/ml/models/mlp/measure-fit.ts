/**
 * Measures (does not assert) MLP fit time against scikit-learn's MLPClassifier on the same matrices:
 * generated 80k×20 (makeClassification seed 42), stratified 80/20 split, standardized, as bench/ml.ts.
 *
 *   npx tsx test/ml/models/mlp/measure-fit.ts [--repeat 3] [--max-iter 200] [--hidden 100] [--skip-python]
 *
 * Runs ours and scikit-learn alternately; prints best-of-repeat fit seconds, epochs run (n_iter_) and seconds per epoch for both, and the ratio.
 * scikit-learn runs single-threaded (OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1) like our code.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { standardize, toCsv } from '../../../../bench/matrices.ts';
import { takeLabelled } from '../../../../layers/ml/data/matrix.ts';
import { trainTestSplit } from '../../../../layers/ml/data/split.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { type MlpClassifier, mlpParamsSchema, mlpSpec } from '../../../../layers/ml/models/mlp.ts';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    'max-iter': { type: 'string', default: '200' },
    hidden: { type: 'string', default: '100' },
    'skip-python': { type: 'boolean', default: false },
  },
});
const repeat = Number(values.repeat);
const params = {
  hidden_layer_sizes: values.hidden.split(',').map(Number),
  max_iter: Number(values['max-iter']),
};

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
  nIter: number;
  accuracy: number;
}

function best(runs: Run[]): Run & { secondsPerEpoch: number } {
  const b = runs.reduce((x, y) => (y.fitSeconds < x.fitSeconds ? y : x));
  return { ...b, secondsPerEpoch: b.fitSeconds / b.nIter };
}

function fitOurs(): Run {
  const model = mlpSpec.create(mlpParamsSchema.parse(params), 42) as MlpClassifier;
  const t0 = performance.now();
  model.fit(train);
  const fitSeconds = (performance.now() - t0) / 1000;
  const pred = model.predict(test);
  let correct = 0;
  for (let i = 0; i < test.nRows; i++) if (pred[i] === test.y[i]) correct++;
  return { fitSeconds, nIter: model.nIter, accuracy: correct / test.nRows };
}

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.neural_network import MLPClassifier
folder, params = sys.argv[1], json.loads(sys.argv[2])
tr = np.loadtxt(folder + "/train.csv", delimiter=","); te = np.loadtxt(folder + "/test.csv", delimiter=",")
params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
m = MLPClassifier(random_state=42, **params)
t0 = time.perf_counter(); m.fit(tr[:, :-1], tr[:, -1].astype(int)); t1 = time.perf_counter()
acc = float((m.predict(te[:, :-1]) == te[:, -1].astype(int)).mean())
print(json.dumps({"fitSeconds": t1 - t0, "nIter": m.n_iter_, "accuracy": acc}), flush=True)
`;

const dir = '/tmp/synergy-mlp-measure';
function fitSklearn(): Run {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const py = spawnSync('/usr/bin/python3', ['-W', 'ignore', '-c', PYTHON, dir, JSON.stringify(params)], {
    env,
    encoding: 'utf8',
  });
  if (py.status !== 0) throw new Error(`python failed: ${py.stderr}`);
  return JSON.parse(py.stdout.trim()) as Run;
}

if (!values['skip-python']) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/train.csv`, toCsv(train));
  writeFileSync(`${dir}/test.csv`, toCsv(test));
}
// Interleaved, so both sides see the same background load on a shared machine.
const ours: Run[] = [];
const theirs: Run[] = [];
for (let r = 0; r < repeat; r++) {
  ours.push(fitOurs());
  console.log('ours   ', JSON.stringify(ours[r]));
  if (!values['skip-python']) {
    theirs.push(fitSklearn());
    console.log('sklearn', JSON.stringify(theirs[r]));
  }
}
const summary: Record<string, unknown> = { params, ours: best(ours) };
if (theirs.length > 0) {
  const a = best(ours);
  const b = best(theirs);
  Object.assign(summary, {
    sklearn: b,
    fitRatio: a.fitSeconds / b.fitSeconds,
    perEpochRatio: a.secondsPerEpoch / b.secondsPerEpoch,
  });
}
console.log(JSON.stringify(summary, null, 2));
