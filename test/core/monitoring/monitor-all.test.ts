/**
 * Monitoring every model: each model with a champion is monitored, one failing does not stop the others,
 * and the failures are rethrown together at the end.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../layers/core/errors.ts';
import { MonitorFailuresError, monitorAllModels } from '../../../layers/core/monitoring/monitor-model.ts';
import { MonitorHarness, NOW, trainingBaseline } from './monitor-fixture.ts';

const baseline = trainingBaseline(2000, 5);
const flushedAt = new Date(NOW.getTime() - 60_000);

describe('monitorAllModels', () => {
  it('monitors every model with a champion', async () => {
    const harness = new MonitorHarness();
    for (const [i, model] of ['a', 'b'].entries()) {
      await harness.registerChampion(baseline, model);
      harness.captureTraffic({ count: 200 * (i + 1), flushedAt, seed: i, modelName: model });
    }
    await harness.registerChampion(baseline, 'no-champion', false);
    harness.captureTraffic({ count: 100, flushedAt, seed: 7, modelName: 'no-champion' });

    const results = await monitorAllModels(harness.deps());

    expect(results.map((r) => [r.report.model, r.report.rows])).toEqual([
      ['a', 200],
      ['b', 400],
    ]);
  });

  it('monitors the others when one fails and names the failures at the end', async () => {
    const harness = new MonitorHarness();
    await harness.registerChampion(baseline, 'alpha');
    await harness.registerChampion(undefined, 'beta');
    await harness.registerChampion(baseline, 'gamma');
    harness.captureTraffic({ count: 100, flushedAt, seed: 1, modelName: 'gamma' });

    const error = await monitorAllModels(harness.deps()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(MonitorFailuresError);
    const failure = error as MonitorFailuresError;
    expect(failure.message).toMatch(/1 of 3 model\(s\): beta \(/);
    expect(failure.cause).toBeInstanceOf(NotFoundError);
    expect(failure.failures.map((f) => f.modelName)).toEqual(['beta']);
    expect(failure.results.map((r) => r.report.model)).toEqual(['alpha', 'gamma']);
    const reports = [...harness.artifacts.objects.keys()].filter((key) => key.includes('/reports/'));
    expect(reports.map((key) => key.split('/')[4])).toEqual(['alpha', 'gamma']);
  });
});
