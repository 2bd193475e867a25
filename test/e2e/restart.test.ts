/**
 * Stopping the embedded stack in the middle of a run and starting it again on the same state directory:
 * the registry keeps everything it had, and the interrupted run ends FAILED (driven through the state
 * machine's Catch by the engine's recovery), never stuck RUNNING.
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { followRun, waitForUploadRun } from '../../bin/stack/follow-run.ts';
import { generateScheduleAdherenceCsv } from '../../layers/core/demo/schedule-adherence.ts';
import { type Harness, makeStateDir, SMALL_CONFIG, startHarness } from './stack-harness.ts';

let stateDir: string | undefined;
let h: Harness | undefined;

afterAll(async () => {
  await h?.close();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}, 60_000);

it('a run cut off by a stop is FAILED after the restart and the registry loses nothing', async () => {
  stateDir = await makeStateDir();
  h = await startHarness(stateDir);
  await h.upload('incoming/restart/_config.json', JSON.stringify(SMALL_CONFIG));
  const done = await h.runUpload('restart', 'a.csv', generateScheduleAdherenceCsv({ rows: 200, seed: 1 }));
  expect(done.status).toBe('SUCCEEDED');
  const versionsBefore = await h.registry.listVersions('restart');
  const championBefore = await h.registry.getAlias('restart', 'champion');

  // A slow grid (many MLP cells) so the stop lands while cells are running.
  await h.upload(
    'incoming/restart/_config.json',
    JSON.stringify({
      models: ['MLP'],
      grids: { MLP: { hidden_layer_sizes: [[50], [100]], alpha: [1e-4, 1e-3] } },
      folds: 5,
    }),
  );
  const key = 'incoming/restart/b.csv';
  const etag = await h.upload(key, generateScheduleAdherenceCsv({ rows: 3000, seed: 2 }));
  const running = await waitForUploadRun(
    h.experiments,
    { modelName: 'restart', key, etag },
    { timeoutMs: 60_000 },
  );
  for (let i = 0; i < 600; i++) {
    const run = await h.experiments.getRun(running.runId);
    if (run?.stage === 'cells') break;
    expect(run?.status === 'SUCCEEDED' || run?.status === 'FAILED').toBe(false);
    await sleep(50);
  }
  await h.close();
  h = undefined;

  h = await startHarness(stateDir);
  const after = await followRun(h.experiments, running.runId, () => {}, { pollMs: 100 });
  expect(after.status).toBe('FAILED');
  expect(after.error?.name).toBe('Synergy.LocalRuntimeStopped');
  expect(await h.registry.listVersions('restart')).toEqual(versionsBefore);
  expect(await h.registry.getAlias('restart', 'champion')).toEqual(championBefore);
}, 240_000);
