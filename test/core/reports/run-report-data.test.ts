import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationDocument } from '../../../layers/core/pipeline/evaluate-run.ts';
import { TRANSITIONS } from '../../../layers/core/reports/cost-estimate.ts';
import { readRunReportInputs } from '../../../layers/core/reports/read-report-inputs.ts';
import type { RunReportData } from '../../../layers/core/reports/run-report-data.ts';
import { buildRunReportData } from '../../../layers/core/reports/run-report-data.ts';
import type { LeaderboardEntry } from '../../../layers/core/training/best-model.ts';
import { BUCKET } from '../pipeline/pipeline-fixture.ts';
import type { RealRun } from './report-fixture.ts';
import { MEMORY_MB, penguinsCsv, realRun } from './report-fixture.ts';

describe('buildRunReportData on a real run', () => {
  let run: RealRun;
  let data: RunReportData;
  let evaluation: EvaluationDocument;
  let leaderboard: LeaderboardEntry[];

  beforeAll(async () => {
    run = await realRun();
    data = buildRunReportData(await readRunReportInputs(run.reportDeps, run.runId));
    const read = (key: string) =>
      run.world.artifacts.readJson({ bucket: BUCKET, key: `runs/${run.runId}/${key}` });
    evaluation = (await read('evaluation.json')) as EvaluationDocument;
    leaderboard = (await read('leaderboard.json')) as LeaderboardEntry[];
  });

  it('has the leaderboard, ranked, with the evaluated best model flagged', () => {
    expect(data.status).toBe('SUCCEEDED');
    expect(data.leaderboard.map((r) => r.model)).toEqual(leaderboard.map((e) => e.model));
    expect(data.leaderboard.filter((r) => r.best).map((r) => r.model)).toEqual([evaluation.best.model]);
    expect(data.leaderboard.find((r) => r.best)?.rank).toBe(1);
    expect(new Set(data.leaderboard.map((r) => r.rank)).size).toBe(leaderboard.length);
  });

  it('has the best model’s confusion matrix, report and one importance per feature, largest first', () => {
    const best = data.best;
    if (!best) throw new Error('no best model');
    expect(best.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(best.confusionMatrix).toEqual(evaluation.best.confusionMatrix);
    expect(best.report.classes.map((c) => c.support)).toEqual(
      best.confusionMatrix.map((row) => row.reduce((a, b) => a + b, 0)),
    );
    expect(best.importances.map((f) => f.feature).sort()).toEqual([...evaluation.featureNames].sort());
    const values = best.importances.map((f) => f.importance);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('has every configuration’s fold scores, and the chosen one’s mean is the leaderboard’s CV accuracy', async () => {
    const cells = await run.world.experiments.listCells(run.runId);
    const configurations = new Set(cells.map((c) => `${c.model}#${c.configIndex}`));
    expect(data.cvSpread.flatMap((m) => m.configurations)).toHaveLength(configurations.size);
    for (const spread of data.cvSpread) {
      const entry = leaderboard.find((e) => e.model === spread.model);
      const chosen = spread.configurations.filter((c) => c.chosen);
      expect(chosen, spread.model).toHaveLength(1);
      expect(chosen[0].params).toEqual(entry?.params);
      // SelectBest and the report summarize the same cells the same way.
      expect(chosen[0].mean).toBe(entry?.cvAccuracy);
      for (const config of spread.configurations) {
        expect(config.folds.map((f) => f.fold)).toEqual([0, 1, 2]);
        expect(config.min).toBeLessThanOrEqual(config.mean);
        expect(config.max).toBeGreaterThanOrEqual(config.mean);
      }
    }
  });

  it('has per-model cell times that add up, and refit times that complete the leaderboard’s fit time', async () => {
    const cells = await run.world.experiments.listCells(run.runId);
    expect(data.cells).toHaveLength(cells.length);
    for (const timing of data.modelTimings) {
      const own = cells.filter((c) => c.model === timing.model);
      expect(timing.cells).toBe(own.length);
      expect(timing.cellMs).toBeCloseTo(
        own.reduce((sum, c) => sum + c.fitMs, 0),
        6,
      );
      const entry = leaderboard.find((e) => e.model === timing.model);
      expect((timing.cellMs + (timing.refitMs ?? Number.NaN)) / 1000).toBeCloseTo(
        entry?.fitSeconds ?? Number.NaN,
        6,
      );
    }
    expect(data.stageTimings.map((s) => s.stage)).toEqual([
      'prep',
      'plan',
      'select',
      'evaluate',
      'register',
      'promote',
    ]);
  });

  it('estimates the cost from the run’s own cells, refits and stages', () => {
    const { cost } = data;
    const cellLine = cost.lines.find((l) => l.label === 'CV cells');
    expect(cellLine?.invocations).toBe(data.cells.length);
    expect(cellLine?.memoryMb).toBe(MEMORY_MB.train);
    expect(cost.transitions).toBe(
      TRANSITIONS.fixed + TRANSITIONS.promote + data.cells.length + leaderboard.length,
    );
    // cells + refits + six timed stages (promote ran) + finish
    expect(cost.requests).toBe(data.cells.length + leaderboard.length + 6 + 1);
    expect(cost.totalDollars).toBeGreaterThan(0);
  });

  it('has the dataset, its data-quality profile and the run’s lineage', () => {
    const csv = penguinsCsv();
    expect(data.dataset).toMatchObject({
      digest: createHash('sha256').update(csv).digest('hex'),
      rows: 344,
      columns: 7,
      target: 'Species',
    });
    const quality = data.dataQuality;
    if (!quality.available) throw new Error(quality.reason);
    expect(quality.columns.map((c) => c.name)).toContain('Beak Length (mm)');
    // penguins.json has empty sexes and measurements; the training split keeps some of them.
    expect(quality.columns.find((c) => c.name === 'Sex')?.missing).toBeGreaterThan(0);
    for (const column of quality.columns) expect(column.present + column.missing).toBe(quality.rows);
    expect(quality.checks.every((c) => typeof c.ok === 'boolean')).toBe(true);
    expect(data.lineage).toMatchObject({
      modelVersion: 1,
      promoted: true,
      codeVersion: 'test-sha-0123456',
      reason: 'report test',
      trigger: { kind: 'upload' },
      datasetDigest: data.dataset.digest,
    });
  });
});
