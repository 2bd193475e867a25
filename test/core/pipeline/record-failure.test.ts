import { describe, expect, it } from 'vitest';
import { recordFailure, runErrorOf } from '../../../layers/core/pipeline/record-failure.ts';
import type { RunRecord } from '../../../layers/core/pipeline/records.ts';
import { FixedClock, MemoryExperiments, MemoryMetrics } from '../../support/memory-ports.ts';

const request = {
  modelName: 'schedule',
  trigger: { kind: 'upload' as const, bucket: 'b', key: 'incoming/schedule/a.csv', etag: 'e1' },
};

const lambdaCause = JSON.stringify({
  errorType: 'DataError',
  errorMessage: 'row 7, column "crew_size": "many" is not a number',
  trace: ['DataError: row 7 …', '    at readTable (…)'],
});

function setup(status?: RunRecord['status']) {
  const clock = new FixedClock();
  const experiments = new MemoryExperiments();
  const metrics = new MemoryMetrics();
  if (status) {
    experiments.runs.set('run-1', {
      runId: 'run-1',
      modelName: 'schedule',
      status,
      trigger: request.trigger,
      createdAt: '2025-12-31T00:00:00.000Z',
      updatedAt: '2025-12-31T00:00:00.000Z',
    });
  }
  return { deps: { experiments, metrics, clock }, experiments, metrics };
}

describe('runErrorOf', () => {
  it('takes a Lambda error’s type and message from the Cause JSON', () => {
    expect(runErrorOf({ Error: 'DataError', Cause: lambdaCause })).toEqual({
      name: 'DataError',
      message: 'row 7, column "crew_size": "many" is not a number',
    });
  });

  it('keeps the Error name and the raw Cause otherwise', () => {
    expect(runErrorOf({ Error: 'States.Timeout', Cause: 'Task timed out after 900 s' })).toEqual({
      name: 'States.Timeout',
      message: 'Task timed out after 900 s',
    });
    expect(runErrorOf({ Error: 'States.TaskFailed', Cause: '{"not":"a lambda error"}' })).toEqual({
      name: 'States.TaskFailed',
      message: '{"not":"a lambda error"}',
    });
    expect(runErrorOf({ Error: 'States.Runtime' })).toEqual({
      name: 'States.Runtime',
      message: 'States.Runtime',
    });
  });
});

describe('recordFailure', () => {
  it('marks a running run FAILED with the parsed error', async () => {
    const { deps, experiments, metrics } = setup('RUNNING');
    const out = await recordFailure(deps, {
      runId: 'run-1',
      request,
      failure: { Error: 'DataError', Cause: lambdaCause },
    });
    expect(out).toMatchObject({ recorded: true, status: 'FAILED', error: { name: 'DataError' } });
    const run = await experiments.getRun('run-1');
    expect(run?.status).toBe('FAILED');
    expect(run?.error?.message).toContain('crew_size');
    expect(run?.finishedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(metrics.points).toEqual([
      { name: 'RunsFailed', unit: 'Count', value: 1, dimensions: { modelName: 'schedule' } },
    ]);
  });

  it('leaves a finished run as it is and says so', async () => {
    for (const status of ['SUCCEEDED', 'FAILED'] as const) {
      const { deps, experiments, metrics } = setup(status);
      const before = await experiments.getRun('run-1');
      const out = await recordFailure(deps, {
        runId: 'run-1',
        request,
        failure: { Error: 'States.Timeout' },
      });
      expect(out).toMatchObject({ recorded: false, status });
      expect(await experiments.getRun('run-1')).toEqual(before);
      expect(metrics.points).toEqual([]);
    }
  });

  it('creates the run item as FAILED when the run never got one', async () => {
    const { deps, experiments } = setup();
    const out = await recordFailure(deps, {
      runId: 'run-1',
      request: { modelName: 'schedule', trigger: { kind: 'drift' }, reason: 'drift on crew_size' },
      failure: {
        Error: 'NotFoundError',
        Cause: JSON.stringify({ errorType: 'NotFoundError', errorMessage: 'no data' }),
      },
    });
    expect(out.recorded).toBe(true);
    expect(await experiments.getRun('run-1')).toMatchObject({
      status: 'FAILED',
      modelName: 'schedule',
      trigger: { kind: 'drift' },
      error: { name: 'NotFoundError', message: 'no data' },
    });
  });

  it('refuses to invent a run when neither the run nor the request is known', async () => {
    const { deps, experiments } = setup();
    await expect(recordFailure(deps, { runId: 'run-1', failure: { Error: 'X' } })).rejects.toThrow(
      /no record/,
    );
    expect(experiments.runs.size).toBe(0);
  });
});

describe('recordFailure: the failed run’s report', () => {
  const event = (runId: string) => ({ runId, request, failure: { Error: 'DataError', Cause: lambdaCause } });

  it('writes the report once the failure is recorded and returns where', async () => {
    const { deps } = setup('RUNNING');
    const written: string[] = [];
    const out = await recordFailure(
      {
        ...deps,
        writeReport: async (runId) => {
          written.push(runId);
          return { bucket: 'data', key: `reports/${runId}/index.html` };
        },
      },
      event('run-1'),
    );
    expect(written).toEqual(['run-1']);
    expect(out).toMatchObject({
      status: 'FAILED',
      recorded: true,
      report: 's3://data/reports/run-1/index.html',
    });
  });

  it('leaves a run that had already finished, and its report, alone', async () => {
    const { deps } = setup('SUCCEEDED');
    const written: string[] = [];
    const out = await recordFailure(
      {
        ...deps,
        writeReport: async (runId) => {
          written.push(runId);
          return { bucket: 'data', key: 'x' };
        },
      },
      event('run-1'),
    );
    expect(written).toEqual([]);
    expect(out).toMatchObject({ recorded: false, status: 'SUCCEEDED' });
    expect(out.report).toBeUndefined();
  });

  it('still records FAILED when the report cannot be written, and says so', async () => {
    const { deps, experiments } = setup('RUNNING');
    const told: unknown[] = [];
    const out = await recordFailure(
      {
        ...deps,
        writeReport: async () => {
          throw new Error('S3 is down');
        },
        onReportError: (error) => told.push(error),
      },
      event('run-1'),
    );
    expect(out).toMatchObject({ status: 'FAILED', recorded: true });
    expect(out.report).toBeUndefined();
    expect((await experiments.getRun('run-1'))?.status).toBe('FAILED');
    expect(told).toHaveLength(1);
  });
});
