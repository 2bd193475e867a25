import { describe, expect, it } from 'vitest';
import { SynergyError } from '../../../layers/core/errors.ts';
import { finishRun } from '../../../layers/core/pipeline/finish-run.ts';
import { ReportTimeoutError } from '../../../layers/core/reports/report-attempt.ts';
import { FixedClock, MemoryExperiments, MemoryMetrics } from '../../support/memory-ports.ts';
import { finishState } from './finish-state.ts';

const ref = (key: string) => ({ bucket: 'data', key });
const state = finishState();

function setup() {
  const experiments = new MemoryExperiments();
  experiments.runs.set('run-1', {
    runId: 'run-1',
    modelName: 'schedule',
    status: 'RUNNING',
    trigger: { kind: 'manual' },
    createdAt: '2025-12-31T00:00:00.000Z',
    updatedAt: '2025-12-31T00:00:00.000Z',
    stage: 'register',
  });
  const metrics = new MemoryMetrics();
  const reported: { error: unknown; runId: string }[] = [];
  const base = {
    experiments,
    metrics,
    clock: new FixedClock(),
    onReportError: (error: unknown, runId: string) => reported.push({ error, runId }),
  };
  return { base, experiments, metrics, reported };
}

describe('finishRun writes the run report', () => {
  it('after the run is SUCCEEDED, and returns where it is', async () => {
    const { base, experiments } = setup();
    const seen: string[] = [];
    const out = await finishRun(
      {
        ...base,
        writeReport: async (runId) => {
          seen.push((await experiments.getRun(runId))?.status ?? 'missing');
          return ref(`reports/${runId}/index.html`);
        },
      },
      state,
    );
    expect(seen).toEqual(['SUCCEEDED']);
    expect(out.report).toBe('s3://data/reports/run-1/index.html');
  });

  it('leaves the run SUCCEEDED when the report fails: counted, handed to onReportError, no report in the output', async () => {
    const { base, experiments, metrics, reported } = setup();
    const broken = new SynergyError('bucket on fire');
    const out = await finishRun({ ...base, writeReport: () => Promise.reject(broken) }, state);
    expect(out.status).toBe('SUCCEEDED');
    expect(out).not.toHaveProperty('report');
    expect((await experiments.getRun('run-1'))?.status).toBe('SUCCEEDED');
    expect(reported).toEqual([{ error: broken, runId: 'run-1' }]);
    expect(metrics.points.map((p) => [p.name, p.dimensions])).toEqual([
      ['RunsSucceeded', { modelName: 'schedule' }],
      ['ReportsFailed', { modelName: 'schedule' }],
    ]);
  });

  it('gives up a report that outlives its budget, aborting its signal', async () => {
    const { base, reported } = setup();
    let aborted = false;
    const out = await finishRun(
      {
        ...base,
        reportBudgetMs: 20,
        writeReport: (_runId, signal) =>
          new Promise((_, reject) => {
            signal?.addEventListener('abort', () => {
              aborted = true;
              reject(signal.reason);
            });
          }),
      },
      state,
    );
    expect(out.status).toBe('SUCCEEDED');
    expect(reported).toHaveLength(1);
    expect(reported[0].error).toBeInstanceOf(ReportTimeoutError);
    expect(aborted).toBe(true);
  });

  it('writes the report again when a retried Finish finds the run already SUCCEEDED', async () => {
    const { base } = setup();
    let writes = 0;
    const deps = {
      ...base,
      writeReport: async (runId: string) => {
        writes++;
        return ref(`reports/${runId}/index.html`);
      },
    };
    await finishRun(deps, state);
    const again = await finishRun(deps, state);
    expect(writes).toBe(2);
    expect(again.report).toBe('s3://data/reports/run-1/index.html');
  });
});
