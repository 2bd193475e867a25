import { describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import type { CvCell } from '../../../layers/core/pipeline/messages.ts';
import { runStateAfterPlanSchema } from '../../../layers/core/pipeline/messages.ts';
import type { CellRecord } from '../../../layers/core/pipeline/records.ts';
import type { StateAfterPlan } from '../../../layers/core/pipeline/select-best.ts';
import { IncompleteSearchError, selectBest } from '../../../layers/core/pipeline/select-best.ts';
import { trainInProcess } from '../../../layers/core/training/train-in-process.ts';
import { BUCKET, manifestOf, newWorld, runCells, runToPlan, type World } from './pipeline-fixture.ts';

const csv = generateConstructionCsv({ rows: 300, seed: 5 });

describe('selectBest on a real run', () => {
  // Listed out of paper order on purpose: the refits must come back in paper order.
  const config = {
    models: ['KNN', 'LogisticRegression', 'DecisionTree'],
    grids: {
      LogisticRegression: { C: [0.1, 1, 10] },
      DecisionTree: { max_depth: [1, 3] },
      KNN: { n_neighbors: [5, 9] },
    },
    folds: 3,
    seed: 4,
  };

  it('chooses each model’s configuration as the in-process search does, in paper order', async () => {
    const world = newWorld();
    const state = await runToPlan(world, { runId: 'run-sel', modelName: 'schedule', csv, config });
    await runCells(world, state);
    const { refits } = await selectBest(world.deps, state);
    const expected = await trainInProcess(csv, {
      models: config.models,
      grids: config.grids,
      folds: 3,
      seed: 4,
    });
    expect(refits.map((r) => [r.model, r.params, r.cvAccuracy, r.cvStd, r.configurations])).toEqual(
      expected.leaderboard.map((e) => [e.model, e.params, e.cvAccuracy, e.cvStd, e.configurations]),
    );
    expect(refits.map((r) => r.model)).toEqual(['LogisticRegression', 'DecisionTree', 'KNN']);
    expect(refits.every((r) => r.kind === 'refit' && r.seed === 4)).toBe(true);
    const run = await world.experiments.getRun('run-sel');
    expect(run?.stage).toBe('refits');
    expect(run?.timings).toHaveProperty('select');
  });

  it('fails naming a planned cell that has no result', async () => {
    const world = newWorld();
    const state = await runToPlan(world, { runId: 'run-miss', modelName: 'schedule', csv, config });
    await runCells(world, state);
    const lost = (await manifestOf(world, state)).find((c) => c.model === 'DecisionTree' && c.fold === 2);
    world.experiments.cells.get('run-miss')?.delete(`DecisionTree#${lost?.paramsKey}#2`);
    const error = await selectBest(world.deps, state).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteSearchError);
    expect((error as Error).message).toContain(`1 of ${state.plan.cells} planned cells`);
    expect((error as Error).message).toContain(
      `DecisionTree ${JSON.stringify(lost?.params)} fold 2: no result`,
    );
  });
});

describe('selectBest ranking rules', () => {
  const runId = 'run-rules';
  const manifestRef = { bucket: BUCKET, key: `runs/${runId}/cells.json` };

  function plannedCell(configIndex: number, fold: number): CvCell {
    return {
      kind: 'cv',
      model: 'DecisionTree',
      params: { max_depth: configIndex + 1 },
      paramsKey: `max_depth=${configIndex + 1}`,
      configIndex,
      fold,
      seed: 7,
    };
  }

  function record(cell: CvCell, status: CellRecord['status'], score: number | null): CellRecord {
    return {
      runId,
      cellId: `${cell.model}#${cell.paramsKey}#${cell.fold}`,
      model: cell.model,
      params: cell.params,
      paramsKey: cell.paramsKey,
      configIndex: cell.configIndex,
      fold: cell.fold,
      status,
      score,
      fitMs: 10,
      worker: 'w',
      finishedAt: '2026-01-01T00:00:00.000Z',
    };
  }

  /** A running run whose manifest holds `cells`, and the experiments table holds `records`. */
  async function setUp(
    cells: CvCell[],
    records: CellRecord[],
  ): Promise<{ world: World; state: StateAfterPlan }> {
    const world = newWorld();
    await world.artifacts.writeJson(manifestRef, cells);
    // Written in reverse: the order the table returns cells in must not matter.
    for (const r of [...records].reverse()) await world.experiments.putCell(r);
    await world.experiments.createRun({
      runId,
      modelName: 'm',
      status: 'RUNNING',
      trigger: { kind: 'manual' },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const ref = (key: string) => ({ bucket: BUCKET, key });
    const state = runStateAfterPlanSchema.parse({
      runId,
      request: { modelName: 'm', trigger: { kind: 'manual' } },
      prep: {
        dataset: ref('d'),
        preprocessor: ref('p'),
        holdout: ref('h'),
        source: { uri: 's3://x/y.csv', digest: 'z', rows: 10, columns: 2 },
        target: 'y',
        classes: [0, 1],
        features: 1,
        trainRows: 8,
        testRows: 2,
        config: {},
      },
      plan: {
        manifest: manifestRef,
        results: { bucket: BUCKET, prefix: 'r' },
        cells: cells.length,
        configurations: 3,
        subsampled: [],
      },
    });
    return { world, state };
  }

  it('breaks ties in mean towards the lower configuration index and never picks a stopped configuration', async () => {
    const cells = [0, 1, 2].flatMap((c) => [0, 1].map((f) => plannedCell(c, f)));
    const scores: Record<number, [CellRecord['status'], number | null][]> = {
      0: [
        ['done', 0.8],
        ['done', 0.9],
      ],
      1: [
        ['done', 0.9],
        ['done', 0.8],
      ],
      // Best partial mean, but stopped after one fold (median rule): ranked after the complete ones.
      2: [
        ['done', 1.0],
        ['stopped', null],
      ],
    };
    const records = cells.map((cell) => record(cell, ...scores[cell.configIndex][cell.fold]));
    const { world, state } = await setUp(cells, records);
    const [refit] = (await selectBest(world.deps, state)).refits;
    expect(refit).toEqual({
      kind: 'refit',
      model: 'DecisionTree',
      params: { max_depth: 1 },
      paramsKey: 'max_depth=1',
      cvAccuracy: (0.8 + 0.9) / 2,
      cvStd: Math.sqrt(((0.8 - 0.85) ** 2 + (0.9 - 0.85) ** 2) / 2),
      configurations: 3,
      seed: 7,
    });
  });

  it('refuses failed cells and done cells without a score, naming each', async () => {
    const cells = [0, 1].flatMap((c) => [0, 1].map((f) => plannedCell(c, f)));
    const records = [
      record(cells[0], 'done', 0.5),
      record(cells[1], 'failed', null),
      record(cells[2], 'done', null),
      record(cells[3], 'done', 0.5),
    ];
    const { world, state } = await setUp(cells, records);
    const error = await selectBest(world.deps, state).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteSearchError);
    expect((error as Error).message).toContain('2 of 4 planned cells');
    expect((error as Error).message).toContain('DecisionTree {"max_depth":1} fold 1: failed');
    expect((error as Error).message).toContain('DecisionTree {"max_depth":2} fold 0: no score');
  });
});
