/**
 * `synergy demo --json` in-process, on a small dataset and a small grid, in a temporary state directory:
 * the facts of the story as the stack recorded them (runs and their triggers, drift, the alarm, the
 * champion restored, the reports on disk).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDemo } from '../../bin/commands/demo.ts';
import type { DemoSummary } from '../../bin/demo/summary.ts';

const ROOT = join(import.meta.dirname, '..', '..');

let dir: string;
let summary: DemoSummary;
let printed: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'synergy-demo-'));
  vi.stubEnv('SYNERGY_STATE_DIR', join(dir, 'state'));
  const config = join(dir, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      models: ['LogisticRegression', 'DecisionTree'],
      grids: { LogisticRegression: { C: [0.1, 1] }, DecisionTree: { max_depth: [2, 4] } },
      folds: 3,
    }),
  );
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    expect(await runDemo(['--rows', '300', '--seed', '5', '--config', config, '--json'], ROOT)).toBe(0);
  } finally {
    write.mockRestore();
  }
  printed = out.join('');
  summary = JSON.parse(printed) as DemoSummary;
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('synergy demo --json', () => {
  it('prints exactly one JSON object and nothing else on stdout', () => {
    expect(printed.trim().split('\n')).toHaveLength(1);
    expect(summary.model).toBe('schedule-adherence');
    expect(summary.data).toMatchObject({ rows: 300, seed: 5 });
    expect(summary.runConfig).toMatchObject({ models: 2, folds: 3, cells: 12 });
  });

  it('ran one upload run and one drift retraining, both to success', () => {
    expect(summary.runs.map((run) => run.trigger)).toEqual(['upload', 'drift']);
    for (const run of summary.runs) expect(run.status).toBe('SUCCEEDED');
    expect(summary.runs.map((run) => run.version)).toEqual([1, 2]);
    // The promotion gate's reasoning, from each execution's output.
    expect(summary.runs[0].gateReason).toMatch(/no champion yet/);
    expect(summary.runs[1].gateReason).toMatch(/^v2 .*champion v1/);
    expect(summary.versions.map((v) => [v.version, v.trigger])).toEqual([
      [1, 'upload'],
      [2, 'drift'],
    ]);
  });

  it('scored the same rows through the three protocols with the same answer', () => {
    expect(summary.predictions.map((p) => p.protocol)).toEqual(['native', 'mlflow', 'v2']);
    const [native, ...others] = summary.predictions;
    expect(native.labels.length).toBeGreaterThan(0);
    for (const answer of summary.predictions) expect(answer.version).toBe(1);
    for (const answer of others) expect(answer.labels).toEqual(native.labels);
  });

  it('saw no drift in normal traffic and drift above the threshold in shifted traffic', () => {
    const { normal, drifted } = summary.monitoring;
    expect(normal.rows).toBeGreaterThanOrEqual(summary.traffic.normal.rows);
    expect(normal.maxPsi).toBeLessThan(0.25);
    expect(normal.driftAlarm).toBe('OK');
    expect(drifted.rows).toBeGreaterThan(normal.rows);
    expect(drifted.maxPsi).toBeGreaterThan(0.25);
    expect(['planned_duration_days', 'weather_days', 'region']).toContain(drifted.maxPsiFeature);
    expect(drifted.driftAlarm).toBe('ALARM');
    expect(summary.alarms).toContainEqual(
      expect.objectContaining({ name: 'synergy-local-schedule-adherence-drift', state: 'ALARM' }),
    );
  });

  it('restored the champion the retraining replaced (or was promoted over by hand) and served it', () => {
    const [first] = summary.championHistory;
    expect(first).toMatchObject({ from: null, to: 1 });
    expect(summary.rollback).toMatchObject({ from: 2, to: 1, servedAfterRollback: 1 });
    expect(summary.champion).toBe(1);
    if (!summary.rollback.promotedByGate) {
      expect(summary.rollback.promotedByHand).toBe(2);
      expect(summary.rollback.servedAfterPromotion).toBe(2);
    }
    const last = summary.championHistory.at(-1);
    expect(last).toMatchObject({ from: 2, to: 1, actor: 'synergy-cli' });
  });

  it('saved every run report as an HTML file named after its run', async () => {
    expect(summary.reports).toHaveLength(summary.runs.length);
    const modelPage = await readFile(summary.modelPage, 'utf8');
    expect(modelPage).toContain('data-chart="max-psi"');
    for (const run of summary.runs) {
      expect(run.report).toBe(join(dir, 'state', 'reports', run.runId, 'index.html'));
      const html = await readFile(run.report ?? '', 'utf8');
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain(run.runId);
    }
  });
});
