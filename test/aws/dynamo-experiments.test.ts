import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoExperiments } from '../../layers/aws/dynamo-experiments.ts';
import { ConflictError } from '../../layers/core/errors.ts';
import type { CellRecord, RunRecord } from '../../layers/core/pipeline/records.ts';
import { DEFAULT_RUN_CONFIG } from '../../layers/core/pipeline/run-config.ts';
import { type LocalServices, RUNS_TABLE, startLocalServices } from '../support/local-services.ts';

let services: LocalServices;
let experiments: DynamoExperiments;

beforeAll(async () => {
  services = await startLocalServices();
  experiments = new DynamoExperiments(services.doc, RUNS_TABLE);
});

afterAll(async () => {
  await services?.stop();
});

function run(runId: string, modelName: string, createdAt: string): RunRecord {
  return {
    runId,
    modelName,
    status: 'PENDING',
    trigger: { kind: 'upload', bucket: 'data', key: `incoming/${modelName}/a.csv`, etag: 'e1' },
    createdAt,
    updatedAt: createdAt,
  };
}

function cell(runId: string, fold: number, score: number | null): CellRecord {
  return {
    runId,
    cellId: `KNN#k=3#${fold}`,
    model: 'KNN',
    params: { k: 3, weights: 'uniform' },
    paramsKey: 'k=3',
    configIndex: 0,
    fold,
    status: score === null || Number.isNaN(score) ? 'stopped' : 'done',
    score,
    fitMs: 12.5,
    worker: 'request-1',
    finishedAt: '2026-01-01T00:00:01.000Z',
  };
}

describe('DynamoExperiments on dynalite', () => {
  it('creates a run once: the second create reports exists and changes nothing', async () => {
    const first = { ...run('r-create', 'iris', '2026-01-01T00:00:00.000Z'), config: DEFAULT_RUN_CONFIG };
    expect(await experiments.createRun(first)).toBe('created');
    expect(await experiments.createRun({ ...first, status: 'FAILED' })).toBe('exists');
    expect(await experiments.getRun('r-create')).toEqual(first);
    expect(await experiments.getRun('r-missing')).toBeUndefined();
  });

  it('updates a run only from an expected status, naming the actual status when it loses', async () => {
    await experiments.createRun(run('r-update', 'iris', '2026-01-01T00:00:00.000Z'));
    const running = await experiments.updateRun(
      'r-update',
      { status: 'RUNNING', stage: 'prep', timings: { prep: 120 }, updatedAt: '2026-01-01T00:00:05.000Z' },
      ['PENDING'],
    );
    expect(running).toEqual({
      ...run('r-update', 'iris', '2026-01-01T00:00:00.000Z'),
      status: 'RUNNING',
      stage: 'prep',
      timings: { prep: 120 },
      updatedAt: '2026-01-01T00:00:05.000Z',
    });

    const lost = await experiments
      .updateRun('r-update', { status: 'RUNNING' }, ['PENDING'])
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(ConflictError);
    expect((lost as ConflictError).message).toBe('run r-update is RUNNING, expected PENDING');
    expect((lost as ConflictError).context).toMatchObject({ runId: 'r-update', status: 'RUNNING' });

    // An explicit undefined clears the field, as `{ ...run, ...patch }` does in memory.
    const failed = await experiments.updateRun(
      'r-update',
      { status: 'FAILED', stage: undefined, error: { name: 'DataError', message: 'ragged row 3' } },
      ['PENDING', 'RUNNING'],
    );
    expect(failed.stage).toBeUndefined();
    expect('stage' in failed).toBe(false);
    expect(await experiments.getRun('r-update')).toEqual(failed);
    // No expected status: any status is fine.
    expect((await experiments.updateRun('r-update', { cellsTotal: 4 })).cellsTotal).toBe(4);
  });

  it('refuses to update a run that does not exist', async () => {
    const error = await experiments.updateRun('r-ghost', { status: 'RUNNING' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe('run r-ghost does not exist');
    expect(await experiments.getRun('r-ghost')).toBeUndefined();
  });

  it('stores cells idempotently, a NaN score as null, and counts them per run', async () => {
    await experiments.createRun(run('r-cells', 'iris', '2026-01-01T00:00:00.000Z'));
    await experiments.putCell(cell('r-cells', 0, 0.95));
    await experiments.putCell(cell('r-cells', 1, Number.NaN));
    await experiments.putCell(cell('r-cells', 2, null));
    await experiments.putCell(cell('r-cells', 0, 0.96)); // a retried Lambda rewrites its own cell
    await experiments.putCell(cell('r-other', 0, 0.5));

    const cells = await experiments.listCells('r-cells');
    expect(cells).toEqual([
      cell('r-cells', 0, 0.96),
      { ...cell('r-cells', 1, null), status: 'stopped' },
      cell('r-cells', 2, null),
    ]);
    expect(await experiments.countCells('r-cells')).toBe(3);
    expect(await experiments.countCells('r-none')).toBe(0);
    // The run item itself is not a cell.
    expect((await experiments.getRun('r-cells'))?.runId).toBe('r-cells');
  });

  it('lists runs newest first, filtered by model and limited', async () => {
    const fresh = new DynamoExperiments(services.doc, RUNS_TABLE);
    const runs = [
      run('l-b', 'wine', '2026-03-02T00:00:00.000Z'),
      run('l-a', 'penguins', '2026-03-01T00:00:00.000Z'),
      run('l-d', 'penguins', '2026-03-04T00:00:00.000Z'),
      run('l-c', 'wine', '2026-03-03T00:00:00.000Z'),
      run('l-e', 'penguins', '2026-03-04T00:00:00.000Z'), // same time as l-d: runId breaks the tie
    ];
    for (const r of runs) await fresh.createRun(r);

    const penguins = await fresh.listRuns({ modelName: 'penguins' });
    expect(penguins.map((r) => r.runId)).toEqual(['l-e', 'l-d', 'l-a']);
    expect((await fresh.listRuns({ modelName: 'penguins', limit: 2 })).map((r) => r.runId)).toEqual([
      'l-e',
      'l-d',
    ]);
    expect((await fresh.listRuns({ modelName: 'wine' })).map((r) => r.runId)).toEqual(['l-c', 'l-b']);

    const newest = await fresh.listRuns({ limit: 3 });
    expect(newest.map((r) => r.runId)).toEqual(['l-e', 'l-d', 'l-c']);
    expect(newest[2]).toEqual(runs[3]);
    const all = await fresh.listRuns();
    expect(all.map((r) => r.createdAt)).toEqual([...all.map((r) => r.createdAt)].sort().reverse());
    expect(await fresh.listRuns({ limit: 0 })).toEqual([]);
  });
});
