import { z } from 'zod';
import type { AuditRecord, RunRecord } from '../../layers/core/pipeline/records.ts';
import { table } from './table.ts';
import { formatParams } from './train-result.ts';

/** The parts of a run's evaluation.json the CLI shows (written by the evaluate step). */
export const runEvaluationSchema = z.object({
  best: z.object({
    model: z.string(),
    params: z.record(z.string(), z.unknown()),
    testAccuracy: z.number(),
    confusionMatrix: z.array(z.array(z.number())),
  }),
  classes: z.array(z.union([z.string(), z.number()])),
  leaderboard: z.array(
    z.object({
      model: z.string(),
      params: z.record(z.string(), z.unknown()),
      cvAccuracy: z.number(),
      testAccuracy: z.number(),
      fitSeconds: z.number(),
    }),
  ),
});
export type RunEvaluation = z.infer<typeof runEvaluationSchema>;

function runSeconds(run: RunRecord): number {
  const end = run.finishedAt ?? run.updatedAt;
  return (Date.parse(end) - Date.parse(run.createdAt)) / 1000;
}

/** `synergy run --json`: the `train --json` fields plus the run's identity and registry outcome. */
export function toRunJson(run: RunRecord, evaluation: RunEvaluation | undefined) {
  return {
    best: evaluation ? { model: evaluation.best.model, testAccuracy: evaluation.best.testAccuracy } : null,
    leaderboard: (evaluation?.leaderboard ?? []).map((e) => ({
      model: e.model,
      params: e.params,
      cvAccuracy: e.cvAccuracy,
      testAccuracy: e.testAccuracy,
      fitSeconds: e.fitSeconds,
    })),
    seconds: runSeconds(run),
    runId: run.runId,
    status: run.status,
    modelName: run.modelName,
    modelVersion: run.result?.modelVersion ?? null,
    promoted: run.result?.promoted ?? false,
    ...(run.error ? { error: run.error } : {}),
  };
}

export function formatRunResult(
  run: RunRecord,
  evaluation: RunEvaluation | undefined,
  audit: readonly AuditRecord[],
): string {
  const lines: string[] = [];
  if (run.status === 'FAILED') {
    lines.push(
      `Run ${run.runId} FAILED: ${run.error?.name ?? 'Error'}: ${run.error?.message ?? 'no cause recorded'}`,
    );
    return `${lines.join('\n')}\n`;
  }
  if (evaluation) {
    lines.push(
      ...table(
        ['Model', 'Best params', 'CV accuracy', 'Test accuracy', 'Fit s'],
        evaluation.leaderboard.map((e) => [
          e.model,
          formatParams(e.params),
          e.cvAccuracy.toFixed(4),
          e.testAccuracy.toFixed(4),
          e.fitSeconds.toFixed(2),
        ]),
      ),
    );
    lines.push('');
    lines.push(
      `Best: ${evaluation.best.model} ${formatParams(evaluation.best.params)} — test accuracy ${evaluation.best.testAccuracy.toFixed(4)}`,
    );
    const labels = evaluation.classes.map(String);
    lines.push('');
    lines.push('Confusion matrix (rows: true class, columns: predicted class)');
    lines.push(
      ...table(
        ['', ...labels],
        evaluation.best.confusionMatrix.map((r, i) => [labels[i], ...r.map(String)]),
      ),
    );
  }
  lines.push('');
  const version = run.result?.modelVersion;
  lines.push(
    `Registry: ${run.modelName} version ${version ?? '?'} — ${run.result?.promoted ? 'promoted to champion' : 'not promoted (champion kept)'}`,
  );
  for (const entry of audit) {
    if (entry.version !== version) continue;
    lines.push(
      entry.action === 'AliasMoved'
        ? `  alias ${entry.alias}: ${entry.fromVersion ?? '—'} → ${entry.version} (${entry.reason})`
        : `  version ${entry.version} created (${entry.reason})`,
    );
  }
  lines.push('');
  lines.push(`Run ${run.runId} ${run.status} in ${runSeconds(run).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
