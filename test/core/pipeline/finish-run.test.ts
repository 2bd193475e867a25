import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../layers/core/errors.ts';
import { finishRun } from '../../../layers/core/pipeline/finish-run.ts';
import type { RunRecord } from '../../../layers/core/pipeline/records.ts';
import { FixedClock, MemoryExperiments, MemoryMetrics } from '../../support/memory-ports.ts';
import { finishState } from './finish-state.ts';

function setup(status: RunRecord['status']) {
  const experiments = new MemoryExperiments();
  experiments.runs.set('run-1', {
    runId: 'run-1',
    modelName: 'schedule',
    status,
    trigger: { kind: 'manual' },
    createdAt: '2025-12-31T00:00:00.000Z',
    updatedAt: '2025-12-31T00:00:00.000Z',
    stage: 'promote',
  });
  const metrics = new MemoryMetrics();
  return { deps: { experiments, metrics, clock: new FixedClock() }, experiments, metrics };
}

describe('finishRun', () => {
  it('marks the run SUCCEEDED with its result', async () => {
    const { deps, experiments, metrics } = setup('RUNNING');
    const promotion = { promoted: true, modelName: 'schedule', version: 3, fromVersion: 2, reason: 'better' };
    const out = await finishRun(deps, finishState(promotion));
    const expected = {
      bestModel: 'DecisionTree',
      testAccuracy: 0.85,
      modelVersion: 3,
      promoted: true,
      leaderboardUri: 's3://data/runs/run-1/leaderboard.json',
      evaluationUri: 's3://data/runs/run-1/evaluation.json',
    };
    expect(out).toEqual({ runId: 'run-1', status: 'SUCCEEDED', result: expected });
    expect(await experiments.getRun('run-1')).toMatchObject({
      status: 'SUCCEEDED',
      stage: 'done',
      result: expected,
      finishedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(metrics.points.map((p) => p.name)).toEqual(['RunsSucceeded']);
  });

  it('records promoted: false when the gate skipped Promote', async () => {
    const { deps } = setup('RUNNING');
    expect((await finishRun(deps, finishState())).result.promoted).toBe(false);
  });

  it('is idempotent under a retry after success, and refuses to finish a failed run', async () => {
    const { deps, metrics } = setup('RUNNING');
    const first = await finishRun(deps, finishState());
    expect(await finishRun(deps, finishState())).toEqual(first);
    expect(metrics.points).toHaveLength(1);

    const failed = setup('FAILED');
    await expect(finishRun(failed.deps, finishState())).rejects.toBeInstanceOf(ConflictError);
    expect((await failed.experiments.getRun('run-1'))?.status).toBe('FAILED');
  });
});
