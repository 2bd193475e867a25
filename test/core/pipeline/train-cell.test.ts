import { describe, expect, it } from 'vitest';
import { generateConstructionCsv } from '../../../layers/core/demo/construction-schedule.ts';
import { DatasetCache } from '../../../layers/core/pipeline/dataset-cache.ts';
import type { CvCell, RefitCell } from '../../../layers/core/pipeline/messages.ts';
import { prepareRun } from '../../../layers/core/pipeline/prepare-run.ts';
import { CellTimeoutError, subsampleRows, trainCell } from '../../../layers/core/pipeline/train-cell.ts';
import type { ObjectRef } from '../../../layers/core/ports.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import { accuracy } from '../../../layers/ml/metrics/accuracy.ts';
import { createModel } from '../../../layers/ml/models/registry.ts';
import { runCell } from '../../../layers/ml/search/cell.ts';
import { searchFolds } from '../../../layers/ml/search/cell-search.ts';
import { paramsKey } from '../../../layers/ml/search/grid.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryExperiments,
  MemoryMetrics,
} from '../../support/memory-ports.ts';

const BUCKET = 'data';
const KEY = 'incoming/site/a.csv';
const RUN_ID = 'site-00000000000000000001';
const csv = generateConstructionCsv({ rows: 500, seed: 21 });

/** Counts downloads, to see the cache at work. */
class CountingStore extends MemoryArtifactStore {
  reads = 0;
  override async readBytes(ref: ObjectRef): Promise<Uint8Array> {
    this.reads++;
    return super.readBytes(ref);
  }
}

async function preparedRun() {
  const artifacts = new CountingStore();
  artifacts.put({ bucket: BUCKET, key: KEY }, csv);
  const deps = {
    artifacts,
    experiments: new MemoryExperiments(),
    metrics: new MemoryMetrics(),
    clock: new FixedClock(),
    bucket: BUCKET,
  };
  const prep = await prepareRun(deps, {
    runId: RUN_ID,
    request: { modelName: 'site', trigger: { kind: 'upload', bucket: BUCKET, key: KEY, etag: 'e' } },
  });
  artifacts.reads = 0;
  // The in-process pipeline's own preparation and folds (trainInProcess's defaults: seed 42, 5 folds).
  const local = await prepareCsv(csv, { seed: 42, folds: 5, testSize: 0.2 });
  const folds = searchFolds(local.train, { folds: 5, seed: 42, shuffle: true });
  return { deps, prep, local, folds, datasets: new DatasetCache() };
}

function cvCell(
  model: CvCell['model'],
  params: Record<string, unknown>,
  fold: number,
  extra: Partial<CvCell> = {},
): CvCell {
  return {
    kind: 'cv',
    model,
    params,
    paramsKey: paramsKey(params),
    configIndex: 0,
    fold,
    seed: 42,
    ...extra,
  };
}

describe('trainCell', () => {
  it('scores a CV cell exactly as runCell does on the in-process folds, and records it', async () => {
    const { deps, prep, local, folds, datasets } = await preparedRun();
    for (const [model, params, fold] of [
      ['DecisionTree', { max_depth: 5 }, 2],
      ['LogisticRegression', { C: 0.1 }, 0],
      ['KNN', { n_neighbors: 7 }, 4],
    ] as const) {
      const cell = cvCell(model, params, fold, { configIndex: 3 });
      const out = await trainCell(
        deps,
        { runId: RUN_ID, dataset: prep.dataset, cell },
        { requestId: 'req-1', datasets },
      );
      const expected = runCell(local.train, folds, { model, params, fold, seed: 42 });
      const cellId = `${model}#${paramsKey(params)}#${fold}`;
      expect(out).toEqual({ kind: 'cv', cellId, score: expected.score, fitMs: expect.any(Number) });
      const stored = (await deps.experiments.listCells(RUN_ID)).find((c) => c.cellId === cellId);
      expect(stored).toMatchObject({
        model,
        params,
        paramsKey: paramsKey(params),
        configIndex: 3,
        fold,
        status: 'done',
        score: expected.score,
        worker: 'req-1',
        finishedAt: '2026-01-01T00:00:00.000Z',
      });
    }
    expect(deps.metrics.points.map((p) => [p.name, p.unit, p.dimensions])).toEqual([
      ['CellFitMs', 'Milliseconds', { model: 'DecisionTree' }],
      ['CellFitMs', 'Milliseconds', { model: 'LogisticRegression' }],
      ['CellFitMs', 'Milliseconds', { model: 'KNN' }],
    ]);
  });

  it('refits on the whole training split with the in-process test accuracy and the same model JSON', async () => {
    const { deps, prep, local, datasets } = await preparedRun();
    const params = { n_estimators: 20 };
    const cell: RefitCell = {
      kind: 'refit',
      model: 'RandomForest',
      params,
      paramsKey: paramsKey(params),
      cvAccuracy: 0.8,
      cvStd: 0.01,
      configurations: 3,
      seed: 42,
    };
    const out = await trainCell(
      deps,
      { runId: RUN_ID, dataset: prep.dataset, cell },
      { requestId: 'r', datasets },
    );

    const model = createModel('RandomForest', params, 42);
    model.fit(local.train);
    const testAccuracy = accuracy(local.test.y, model.predict(local.test));
    const artifact = { bucket: BUCKET, key: `runs/${RUN_ID}/refits/RandomForest.json` };
    expect(out).toEqual({
      kind: 'refit',
      model: 'RandomForest',
      params,
      paramsKey: paramsKey(params),
      cvAccuracy: 0.8,
      cvStd: 0.01,
      configurations: 3,
      testAccuracy,
      fitSeconds: expect.any(Number),
      artifact,
    });
    const written = new TextDecoder().decode(await deps.artifacts.readBytes(artifact));
    expect(written).toBe(JSON.stringify(model.toJSON()));
    expect(deps.metrics.points.map((p) => p.name)).toEqual(['RefitFitMs']);
  });

  it('trains a subsampled cell on a seeded sample of its fold only', async () => {
    const { deps, prep, local, folds, datasets } = await preparedRun();
    const cell = cvCell('DecisionTree', { max_depth: 4 }, 1, { maxTrainRows: 90, seed: 7 });
    const out = await trainCell(
      deps,
      { runId: RUN_ID, dataset: prep.dataset, cell },
      { requestId: 'r', datasets },
    );
    const sampled = folds.map((f, i) => (i === 1 ? { ...f, train: subsampleRows(f.train, 90, 7) } : f));
    const expected = runCell(local.train, sampled, {
      model: 'DecisionTree',
      params: { max_depth: 4 },
      fold: 1,
      seed: 7,
    });
    expect(out).toMatchObject({ score: expected.score });
  });

  it('reads the dataset once across cells of a run, and again for another dataset', async () => {
    const { deps, prep, datasets } = await preparedRun();
    const event = { runId: RUN_ID, dataset: prep.dataset, cell: cvCell('KNN', { n_neighbors: 3 }, 0) };
    await trainCell(deps, event, { requestId: 'a', datasets });
    await trainCell(
      deps,
      { ...event, cell: cvCell('KNN', { n_neighbors: 3 }, 1) },
      { requestId: 'b', datasets },
    );
    expect(deps.artifacts.reads).toBe(1);

    const copy = { bucket: BUCKET, key: 'runs/other/prepared.bin' };
    deps.artifacts.put(copy, await deps.artifacts.readBytes(prep.dataset));
    await trainCell(deps, { ...event, dataset: copy }, { requestId: 'c', datasets });
    await trainCell(deps, event, { requestId: 'd', datasets });
    // 1 + the explicit read above + other + the first again (one entry only).
    expect(deps.artifacts.reads).toBe(4);
  });

  it('stops with CellTimeoutError, writing nothing, once the invocation is out of time', async () => {
    const { deps, prep, datasets } = await preparedRun();
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    const event = { runId: RUN_ID, dataset: prep.dataset, cell: cvCell('KNN', { n_neighbors: 3 }, 0) };
    const failure = trainCell(deps, event, { requestId: 'a', datasets, signal: controller.signal });
    await expect(failure).rejects.toThrow(CellTimeoutError);
    await expect(failure).rejects.toMatchObject({ name: 'CellTimeoutError' });
    expect(await deps.experiments.countCells(RUN_ID)).toBe(0);
    expect(deps.metrics.points).toEqual([]);
  });
});

describe('subsampleRows', () => {
  const rows = Int32Array.from({ length: 200 }, (_, i) => i * 3 + 1);

  it('draws an ascending subset of the given size, the same for the same seed', () => {
    const a = subsampleRows(rows, 50, 5);
    expect(a).toHaveLength(50);
    expect(new Set(a).size).toBe(50);
    expect(Array.from(a).every((r, i) => rows.includes(r) && (i === 0 || r > a[i - 1]))).toBe(true);
    expect(Array.from(subsampleRows(rows, 50, 5))).toEqual(Array.from(a));
    expect(Array.from(subsampleRows(rows, 50, 6))).not.toEqual(Array.from(a));
  });

  it('keeps every row when the cap is not below the count', () => {
    expect(subsampleRows(rows, 200, 1)).toBe(rows);
    expect(subsampleRows(rows, 1000, 1)).toBe(rows);
  });
});
