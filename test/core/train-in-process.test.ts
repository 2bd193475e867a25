import { describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../layers/core/demo/construction-schedule.ts';
import type { LeaderboardEntry } from '../../layers/core/training/train-in-process.ts';
import { pickBest, trainInProcess } from '../../layers/core/training/train-in-process.ts';
import { Preprocessor } from '../../layers/ml/data/preprocessor.ts';
import { loadModel } from '../../layers/ml/models/registry.ts';

function entry(model: LeaderboardEntry['model'], testAccuracy: number): LeaderboardEntry {
  return { model, params: {}, cvAccuracy: 0, cvStd: 0, testAccuracy, fitSeconds: 0, configurations: 1 };
}

describe('pickBest', () => {
  it('takes the highest test accuracy and breaks ties towards the earlier model in paper order', () => {
    const board = [entry('LogisticRegression', 0.8), entry('DecisionTree', 0.9), entry('RandomForest', 0.9)];
    expect(pickBest(board).model).toBe('DecisionTree');
    expect(pickBest([entry('SVC', 0.7), entry('KNN', 0.71)]).model).toBe('KNN');
  });
});

describe('trainInProcess', () => {
  const csv = generateConstructionCsv({ rows: 600, seed: 11 });
  const grids = { DecisionTree: { max_depth: [3, 6] }, LogisticRegression: { C: [0.1, 1] } };

  it('runs the pipeline and the best artifact + preprocessor reproduce its test predictions', async () => {
    const result = await trainInProcess(csv, { models: ['LogisticRegression', 'DecisionTree'], grids });
    expect(result.data.trainRows + result.data.testRows).toBe(600);
    expect(result.data.testRows).toBe(120);
    expect(result.leaderboard.map((e) => e.model)).toEqual(['LogisticRegression', 'DecisionTree']);
    const { best } = result;
    const k = result.data.classes.length;
    expect(best.confusionMatrix).toHaveLength(k);
    const total = best.confusionMatrix.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(120);
    const diagonal = best.confusionMatrix.reduce((s, row, i) => s + row[i], 0);
    expect(diagonal / total).toBeCloseTo(best.testAccuracy, 12);
    expect(best.report.accuracy).toBeCloseTo(best.testAccuracy, 12);
    expect(best.featureImportances).toHaveLength(result.data.featureNames.length);

    // The saved artifact is self-sufficient: a reloaded preprocessor + model give the same accuracy on
    // the raw test rows as the pipeline measured.
    const pre = Preprocessor.fromJSON(JSON.parse(JSON.stringify(result.preprocessor)));
    const model = loadModel(JSON.parse(JSON.stringify(best.artifact)));
    const [header, ...lines] = csv.trim().split('\n');
    const names = header.split(',');
    const records = lines.map((line) =>
      Object.fromEntries(line.split(',').map((v, j) => [names[j], v === '' ? null : v])),
    );
    const x = pre.transformRecords(records);
    const predicted = model.predict(x);
    const agreeWithLabel = records.filter(
      (r, i) => String(pre.decode(predicted[i])) === r.schedule_adherence,
    ).length;
    // Over all 600 rows (train + test) the model must do at least as well as on its test split, minus slack.
    expect(agreeWithLabel / records.length).toBeGreaterThan(best.testAccuracy - 0.1);
  });

  it('is deterministic: same CSV and seed ⇒ same leaderboard scores and identical artifact JSON', async () => {
    const run = () => trainInProcess(csv, { models: ['DecisionTree'], grids, seed: 5 });
    const [a, b] = [await run(), await run()];
    expect(b.leaderboard.map((e) => [e.params, e.cvAccuracy, e.testAccuracy])).toEqual(
      a.leaderboard.map((e) => [e.params, e.cvAccuracy, e.testAccuracy]),
    );
    expect(JSON.stringify(b.best.artifact)).toBe(JSON.stringify(a.best.artifact));
    expect(JSON.stringify(b.preprocessor)).toBe(JSON.stringify(a.preprocessor));
  });

  it('uses permutation importance where the model has none (KNN)', async () => {
    const result = await trainInProcess(csv, { models: ['KNN'], grids: { KNN: { n_neighbors: [5] } } });
    expect(result.best.importanceKind).toBe('permutation');
    expect(result.best.featureImportances.some((f) => f.importance !== 0)).toBe(true);
  });
});
