/**
 * `synergy run` / `runs` / `models` as a user runs them: child processes of the real CLI against an
 * embedded stack it starts itself (state in a temp SYNERGY_STATE_DIR), compared with `synergy train`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateScheduleAdherenceCsv } from '../../layers/core/demo/schedule-adherence.ts';

const cli = new URL('../../bin/synergy.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'synergy-run-'));
const stateDir = join(dir, 'state');

function synergy(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, SYNERGY_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synergy run', () => {
  const csv = join(dir, 'sched.csv');
  writeFileSync(csv, generateScheduleAdherenceCsv({ rows: 240, seed: 21 }));
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      models: ['DecisionTree', 'KNN'],
      grids: { DecisionTree: { max_depth: [2, 4] }, KNN: { n_neighbors: [3, 5] } },
    }),
  );

  it('--json prints the train --json fields plus the run and registry outcome, same results as train', async () => {
    const run = await synergy([
      'run',
      csv,
      '--dataset',
      'sched',
      '--target',
      'on_time',
      '--config',
      config,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(Object.keys(out).sort()).toEqual(
      ['best', 'leaderboard', 'seconds', 'runId', 'status', 'modelName', 'modelVersion', 'promoted'].sort(),
    );
    expect(out).toMatchObject({ status: 'SUCCEEDED', modelName: 'sched', modelVersion: 1, promoted: true });

    const train = await synergy([
      'train',
      csv,
      '--target',
      'on_time',
      '--config',
      config,
      '--models',
      'DecisionTree,KNN',
      '--json',
    ]);
    expect(train.status).toBe(0);
    const local = JSON.parse(train.stdout);
    const strip = (rows: Array<Record<string, unknown>>) =>
      rows.map(({ model, params, cvAccuracy, testAccuracy }) => ({
        model,
        params,
        cvAccuracy,
        testAccuracy,
      }));
    expect(strip(out.leaderboard)).toEqual(strip(local.leaderboard));
    expect(out.best).toEqual(local.best);
  }, 180_000);

  it('a malformed CSV: run FAILED with exit 2 and the message `synergy train` gives', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,label\n1,2,x\n3,oops,y\n4,5,x\n6,7,y\n');
    const train = await synergy(['train', bad]);
    expect(train.status).toBe(2);
    const reason = train.stderr.trim().replace(/^synergy: /, '');
    const run = await synergy(['run', bad, '--dataset', 'bad', '--json']);
    expect(run.status).toBe(2);
    const out = JSON.parse(run.stdout);
    expect(out.status).toBe('FAILED');
    expect(out.error.message).toBe(reason);
  }, 180_000);

  it('runs and models list what happened', async () => {
    const runs = await synergy(['runs', '--json']);
    expect(runs.status).toBe(0);
    const list = JSON.parse(runs.stdout) as Array<{ modelName: string; status: string }>;
    expect(list.map((r) => `${r.modelName}:${r.status}`).sort()).toEqual(['bad:FAILED', 'sched:SUCCEEDED']);
    const models = await synergy(['models', 'sched', '--json']);
    expect(models.status).toBe(0);
    const sched = JSON.parse(models.stdout);
    expect(sched.champion.version).toBe(1);
    expect(sched.versions).toHaveLength(1);
    const text = await synergy(['models']);
    expect(text.stdout).toMatch(/sched\s+1\s+1\s+1/);
  }, 180_000);
});
