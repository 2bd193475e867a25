import { beforeAll, describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import type { EvaluationDocument } from '../../../layers/core/pipeline/evaluate-run.ts';
import { evaluateRun, RefitMismatchError } from '../../../layers/core/pipeline/evaluate-run.ts';
import { loadModelDocument, sha256Hex } from '../../../layers/core/pipeline/model-document.ts';
import type { StateAfterEvaluate } from '../../../layers/core/pipeline/register-model.ts';
import type { LeaderboardEntry } from '../../../layers/core/training/best-model.ts';
import type { TrainResult } from '../../../layers/core/training/train-in-process.ts';
import { trainInProcess } from '../../../layers/core/training/train-in-process.ts';
import { newWorld, runToEvaluate, type World } from './pipeline-fixture.ts';

const csv = generateConstructionCsv({ rows: 360, seed: 7 });
// KNN has no native importances, so the permutation path (seeded) is compared too.
const config = {
  models: ['LogisticRegression', 'DecisionTree', 'KNN'],
  grids: {
    LogisticRegression: { C: [0.01, 1] },
    DecisionTree: { max_depth: [2, 5] },
    KNN: { n_neighbors: [3, 15] },
  },
  folds: 3,
  seed: 9,
};

const comparable = (entry: LeaderboardEntry) => ({
  model: entry.model,
  params: entry.params,
  cvAccuracy: entry.cvAccuracy,
  cvStd: entry.cvStd,
  testAccuracy: entry.testAccuracy,
  configurations: entry.configurations,
});

describe('evaluateRun', () => {
  let world: World;
  let state: StateAfterEvaluate;
  let inProcess: TrainResult;

  beforeAll(async () => {
    world = newWorld();
    state = await runToEvaluate(world, { runId: 'run-eval', modelName: 'schedule', csv, config });
    inProcess = await trainInProcess(csv, { models: config.models, grids: config.grids, folds: 3, seed: 9 });
  });

  it('reproduces the in-process leaderboard and best model exactly', async () => {
    const leaderboard = (await world.artifacts.readJson(state.evaluation.leaderboard)) as LeaderboardEntry[];
    expect(leaderboard.map(comparable)).toEqual(inProcess.leaderboard.map(comparable));
    const evaluation = (await world.artifacts.readJson(state.evaluation.evaluation)) as EvaluationDocument;
    const { artifact: _artifact, ...best } = inProcess.best;
    expect(evaluation.best).toEqual(JSON.parse(JSON.stringify(best)));
    expect(evaluation.target).toBe(inProcess.data.target);
    expect(evaluation.classes).toEqual(inProcess.data.classes);
    expect(evaluation.featureNames).toEqual(inProcess.data.featureNames);
    expect(state.evaluation.bestModel).toBe(inProcess.best.model);
    expect(state.evaluation.testAccuracy).toBe(inProcess.best.testAccuracy);
    expect(new Set(evaluation.leaderboard.map((e) => e.model))).toEqual(new Set(config.models));
  });

  it('reproduces seeded permutation importances for a model without native ones (KNN)', async () => {
    const knnOnly = { ...config, models: ['KNN'], grids: { KNN: { n_neighbors: [5] } } };
    const knnWorld = newWorld();
    const knnState = await runToEvaluate(knnWorld, {
      runId: 'run-knn',
      modelName: 'schedule',
      csv,
      config: knnOnly,
    });
    const expected = await trainInProcess(csv, { models: ['KNN'], grids: knnOnly.grids, folds: 3, seed: 9 });
    const evaluation = (await knnWorld.artifacts.readJson(
      knnState.evaluation.evaluation,
    )) as EvaluationDocument;
    expect(evaluation.best.importanceKind).toBe('permutation');
    expect(evaluation.best.featureImportances).toEqual(expected.best.featureImportances);
    expect(evaluation.best.featureImportances.some((f) => f.importance !== 0)).toBe(true);
  });

  it('fit seconds are the model cells’ fit times plus its refit', async () => {
    const leaderboard = (await world.artifacts.readJson(state.evaluation.leaderboard)) as LeaderboardEntry[];
    const cells = await world.experiments.listCells(state.runId);
    for (const entry of leaderboard) {
      const refit = state.refits.find((r) => r.model === entry.model);
      const cellSeconds =
        cells.filter((c) => c.model === entry.model).reduce((s, c) => s + c.fitMs, 0) / 1000;
      expect(entry.fitSeconds).toBeCloseTo(cellSeconds + (refit?.fitSeconds ?? Number.NaN), 9);
    }
  });

  it('writes a model document with the in-process artifact and preprocessor, whose sha256 it returns', async () => {
    const bytes = await world.artifacts.readBytes(state.evaluation.modelDocument);
    expect(sha256Hex(bytes)).toBe(state.evaluation.sha256);
    const loaded = loadModelDocument(bytes, state.evaluation.sha256);
    try {
      expect(loaded.document.model).toEqual(JSON.parse(JSON.stringify(inProcess.best.artifact)));
      expect(loaded.document.preprocessor).toEqual(JSON.parse(JSON.stringify(inProcess.preprocessor)));
      const best = inProcess.leaderboard.find((e) => e.model === inProcess.best.model);
      expect(loaded.document.metrics).toEqual({
        testAccuracy: best?.testAccuracy,
        cvAccuracy: best?.cvAccuracy,
        cvStd: best?.cvStd,
      });
      expect(loaded.document.runId).toBe('run-eval');
    } finally {
      loaded.classifier.dispose();
    }
    const run = await world.experiments.getRun(state.runId);
    expect(run?.stage).toBe('evaluate');
    expect(run?.timings).toHaveProperty('evaluate');
  });

  it('refuses a refit artifact that does not score what its refit reported', async () => {
    const [first, ...rest] = state.refits;
    const lying = { ...first, testAccuracy: first.testAccuracy === 1 ? 0.5 : first.testAccuracy + 0.01 };
    const error = await evaluateRun(world.deps, { ...state, refits: [lying, ...rest] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RefitMismatchError);
    expect((error as Error).message).toContain(first.model);
  });
});
