import { describe, expect, it } from 'vitest';
import { CellTooLargeError } from '../../../layers/core/errors.ts';
import { cellBudgetSeconds, estimateCellSeconds } from '../../../layers/core/pipeline/cell-cost.ts';
import { cvCellSchema, type PrepOutput } from '../../../layers/core/pipeline/messages.ts';
import { type PreparedRunState, planRun } from '../../../layers/core/pipeline/plan-run.ts';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../../layers/core/pipeline/run-config.ts';
import { searchConfigurations } from '../../../layers/ml/search/cell-search.ts';
import { paramsKey } from '../../../layers/ml/search/grid.ts';
import { PAPER_GRIDS } from '../../../layers/ml/search/paper-grids.ts';
import { FixedClock, MemoryArtifactStore, MemoryExperiments } from '../../support/memory-ports.ts';

const BUCKET = 'data';
const RUN_ID = 'site-0123456789abcdef0123';

function prep(config: RunConfig, trainRows = 800, testRows = 200): PrepOutput {
  const ref = (name: string) => ({ bucket: BUCKET, key: `runs/${RUN_ID}/${name}` });
  return {
    dataset: ref('prepared.bin'),
    preprocessor: ref('preprocessor.json'),
    holdout: ref('holdout.jsonl'),
    source: {
      uri: `s3://${BUCKET}/incoming/site/a.csv`,
      digest: 'ab',
      rows: trainRows + testRows,
      columns: 21,
    },
    target: 'label',
    classes: ['no', 'yes'],
    features: 20,
    trainRows,
    testRows,
    config: { ...config },
  };
}

async function setup(config: RunConfig, trainRows?: number, testRows?: number) {
  const deps = {
    artifacts: new MemoryArtifactStore(),
    experiments: new MemoryExperiments(),
    clock: new FixedClock(),
    bucket: BUCKET,
  };
  const state: PreparedRunState = {
    runId: RUN_ID,
    request: { modelName: 'site', trigger: { kind: 'manual' } },
    prep: prep(config, trainRows, testRows),
  };
  await deps.experiments.createRun({
    runId: RUN_ID,
    modelName: 'site',
    status: 'RUNNING',
    trigger: { kind: 'manual' },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    timings: { prep: 1200 },
  });
  return { deps, state };
}

describe('planRun', () => {
  it('writes one cell per configuration and fold, in the in-process search order', async () => {
    const { deps, state } = await setup(DEFAULT_RUN_CONFIG);
    const out = await planRun(deps, state);
    const manifest = cvCellSchema.array().parse(await deps.artifacts.readJson(out.manifest));

    const expected = DEFAULT_RUN_CONFIG.models.flatMap((model) =>
      searchConfigurations(PAPER_GRIDS[model]).flatMap((params, configIndex) =>
        [0, 1, 2, 3, 4].map((fold) => ({
          kind: 'cv',
          model,
          params,
          paramsKey: paramsKey(params),
          configIndex,
          fold,
          seed: 42,
        })),
      ),
    );
    expect(manifest).toEqual(expected);
    const configurations = DEFAULT_RUN_CONFIG.models.reduce(
      (n, m) => n + searchConfigurations(PAPER_GRIDS[m]).length,
      0,
    );
    expect(configurations).toBe(38);
    expect(out).toEqual({
      manifest: { bucket: BUCKET, key: `runs/${RUN_ID}/cells.json` },
      results: { bucket: BUCKET, prefix: `runs/${RUN_ID}/results` },
      cells: configurations * 5,
      configurations,
      subsampled: [],
    });
    expect(await deps.experiments.getRun(RUN_ID)).toMatchObject({
      cellsTotal: 190,
      stage: 'cells',
      timings: { prep: 1200, plan: 0 },
    });
  });

  it('uses the config grids, folds and random draws, models in paper order', async () => {
    const config: RunConfig = {
      ...DEFAULT_RUN_CONFIG,
      models: ['XGBoost', 'DecisionTree'],
      grids: { DecisionTree: { max_depth: [2, 4] } },
      folds: 3,
      seed: 9,
      search: 'random',
      trials: 4,
    };
    const { deps, state } = await setup(config);
    const out = await planRun(deps, state);
    const manifest = cvCellSchema.array().parse(await deps.artifacts.readJson(out.manifest));
    const xgb = searchConfigurations(PAPER_GRIDS.XGBoost, { search: 'random', trials: 4, seed: 9 });
    const tree = searchConfigurations({ max_depth: [2, 4] }, { search: 'random', trials: 4, seed: 9 });
    expect(tree).toHaveLength(2);
    expect(out.configurations).toBe(xgb.length + tree.length);
    expect(out.cells).toBe((xgb.length + tree.length) * 3);
    expect(manifest.slice(0, 3).map((c) => [c.model, c.params, c.fold, c.seed])).toEqual(
      [0, 1, 2].map((fold) => ['DecisionTree', tree[0], fold, 9]),
    );
    expect(manifest.filter((c) => c.model === 'XGBoost' && c.fold === 0).map((c) => c.params)).toEqual(xgb);
  });

  it('refuses a run whose cells cannot finish inside the Lambda limit, naming model, params and estimate', async () => {
    const config: RunConfig = {
      ...DEFAULT_RUN_CONFIG,
      models: ['SVC'],
      grids: { SVC: { kernel: ['rbf'], C: [1] } },
    };
    const { deps, state } = await setup(config, 400_000);
    let error: unknown;
    try {
      await planRun(deps, state);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CellTooLargeError);
    const message = (error as Error).message;
    expect(message).toContain('SVC {"C":1,"kernel":"rbf"}');
    expect(message).toMatch(/estimated at [\d.]+ s, over the 720 s/);
    expect(await deps.artifacts.head({ bucket: BUCKET, key: `runs/${RUN_ID}/cells.json` })).toBeUndefined();
  });

  it('refuses a configuration whose refit on the whole training split would not fit', async () => {
    const config: RunConfig = {
      ...DEFAULT_RUN_CONFIG,
      models: ['SVC'],
      grids: { SVC: { kernel: ['rbf'], C: [1] } },
    };
    // Find a size where a CV cell (4/5 of the rows) fits but the refit (all of them) does not.
    const params = { kernel: 'rbf', C: 1 };
    const shape = (train: number, scored: number, rows: number) => ({
      trainRows: train,
      scoredRows: scored,
      datasetRows: rows + 200,
      nFeatures: 20,
      nClasses: 2,
    });
    const cvFits = (rows: number) =>
      estimateCellSeconds('SVC', params, shape(rows - Math.floor(rows / 5), Math.ceil(rows / 5), rows)) <=
      cellBudgetSeconds();
    const refitFits = (rows: number) =>
      estimateCellSeconds('SVC', params, shape(rows, 200, rows)) <= cellBudgetSeconds();
    let rows = 10_000;
    while (cvFits(rows + 1000)) rows += 1000;
    expect(cvFits(rows)).toBe(true);
    expect(refitFits(rows)).toBe(false);
    const { deps, state } = await setup(config, rows);
    await expect(planRun(deps, state)).rejects.toThrow(/a refit is estimated/);
  });

  it('subsamples oversized cells when configured to, to the most rows that fit', async () => {
    const config: RunConfig = {
      ...DEFAULT_RUN_CONFIG,
      models: ['LogisticRegression', 'SVC'],
      grids: { LogisticRegression: { C: [1] }, SVC: { kernel: ['linear', 'rbf'], C: [1] } },
      oversizedCells: 'subsample',
    };
    const { deps, state } = await setup(config, 400_000, 100_000);
    const out = await planRun(deps, state);
    const manifest = cvCellSchema.array().parse(await deps.artifacts.readJson(out.manifest));
    expect(
      manifest.filter((c) => c.model === 'LogisticRegression').every((c) => c.maxTrainRows === undefined),
    ).toBe(true);
    const svc = manifest.filter((c) => c.model === 'SVC');
    expect(svc).toHaveLength(10);
    expect(out.subsampled.map((s) => s.paramsKey)).toEqual([
      '{"C":1,"kernel":"linear"}',
      '{"C":1,"kernel":"rbf"}',
    ]);
    const cvShape = {
      trainRows: 320_000,
      scoredRows: 80_000,
      datasetRows: 500_000,
      nFeatures: 20,
      nClasses: 2,
    };
    for (const entry of out.subsampled) {
      const params = JSON.parse(entry.paramsKey) as Record<string, unknown>;
      expect(entry.estimatedSeconds).toBeGreaterThan(cellBudgetSeconds());
      expect(
        estimateCellSeconds('SVC', params, { ...cvShape, trainRows: entry.maxTrainRows }),
      ).toBeLessThanOrEqual(cellBudgetSeconds());
      expect(
        estimateCellSeconds('SVC', params, { ...cvShape, trainRows: entry.maxTrainRows + 1 }),
      ).toBeGreaterThan(cellBudgetSeconds());
      expect(svc.filter((c) => c.paramsKey === entry.paramsKey).map((c) => c.maxTrainRows)).toEqual(
        Array(5).fill(entry.maxTrainRows),
      );
    }
  });
});
