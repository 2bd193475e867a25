/**
 * Fit-time benchmark for the boosting models (a report, not a test): 80k × 20 generated data, stratified
 * 80/20, GradientBoosting-100 and AdaBoost-100, best of `repeat` fits, wall and CPU time. With --export DIR
 * it writes the same train/test matrices as CSV for test/reference/sklearn_models.py.
 *   npx tsx test/ml/models/boosting/bench.ts [--repeat 3] [--export /tmp/synergy-boost]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { toCsv } from '../../../../bench/matrices.ts';
import { takeLabelled } from '../../../../layers/ml/data/matrix.ts';
import { trainTestSplit } from '../../../../layers/ml/data/split.ts';
import { makeClassification } from '../../../../layers/ml/data/synthetic.ts';
import { adaBoostSpec } from '../../../../layers/ml/models/adaboost.ts';
import type { ModelSpec } from '../../../../layers/ml/models/classifier.ts';
import { gradientBoostingSpec } from '../../../../layers/ml/models/gradient-boosting.ts';
import { accuracyOn } from '../../../support/check.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const repeat = Number(arg('--repeat') ?? 3);
const data = makeClassification({ nRows: 80000, nFeatures: 20, seed: 42 });
const split = trainTestSplit(data.nRows, {
  testSize: 0.2,
  seed: 42,
  stratify: data.y,
  nClasses: data.nClasses,
});
const train = takeLabelled(data, split.train);
const test = takeLabelled(data, split.test);
const exportDir = arg('--export');
if (exportDir !== undefined) {
  mkdirSync(exportDir, { recursive: true });
  writeFileSync(`${exportDir}/train.csv`, toCsv(train));
  writeFileSync(`${exportDir}/test.csv`, toCsv(test));
}

const runs: [string, ModelSpec, Record<string, unknown>][] = [
  ['GradientBoosting-100', gradientBoostingSpec as unknown as ModelSpec, { n_estimators: 100 }],
  ['AdaBoost-100', adaBoostSpec as unknown as ModelSpec, { n_estimators: 100 }],
];
for (const [label, spec, params] of runs) {
  let bestWall = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let acc = 0;
  for (let r = 0; r < repeat; r++) {
    const model = spec.create(spec.params.parse(params), 42);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    model.fit(train);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    bestWall = Math.min(bestWall, wall);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
    acc = accuracyOn(model, test);
  }
  console.log(
    JSON.stringify({ model: label, accuracy: acc, fitWallSeconds: bestWall, fitCpuSeconds: bestCpu }),
  );
}
