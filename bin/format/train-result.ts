import type { TrainResult } from '../../layers/core/training/train-in-process.ts';
import { formatClassificationReport } from '../../layers/ml/metrics/classification-report.ts';
import { table } from './table.ts';

/** The `--json` shape promised by the issue: exactly these keys, one object. */
export function toTrainJson(result: TrainResult) {
  return {
    best: { model: result.best.model, testAccuracy: result.best.testAccuracy },
    leaderboard: result.leaderboard.map((e) => ({
      model: e.model,
      params: e.params,
      cvAccuracy: e.cvAccuracy,
      testAccuracy: e.testAccuracy,
      fitSeconds: e.fitSeconds,
    })),
    seconds: result.seconds,
  };
}

export function formatTrainResult(result: TrainResult, source: string): string {
  const { data, leaderboard, best } = result;
  const lines: string[] = [];
  lines.push(
    `${source}: ${data.summary.rows} rows, target "${data.target}" (${data.classes.length} classes), ` +
      `${data.featureNames.length} features after encoding; train ${data.trainRows} / test ${data.testRows}`,
  );
  lines.push('');
  const rows = leaderboard.map((e) => [
    e.model,
    formatParams(e.params),
    e.cvAccuracy.toFixed(4),
    e.testAccuracy.toFixed(4),
    e.fitSeconds.toFixed(2),
  ]);
  lines.push(...table(['Model', 'Best params', 'CV accuracy', 'Test accuracy', 'Fit s'], rows));
  lines.push('');
  lines.push(
    `Best: ${best.model} ${formatParams(best.params)} — test accuracy ${best.testAccuracy.toFixed(4)}`,
  );
  lines.push('');
  lines.push('Confusion matrix (rows: true class, columns: predicted class)');
  const labels = data.classes.map(String);
  lines.push(
    ...table(
      ['', ...labels],
      best.confusionMatrix.map((r, i) => [labels[i], ...r.map(String)]),
    ),
  );
  lines.push('');
  lines.push('Classification report');
  lines.push(formatClassificationReport(best.report));
  lines.push('');
  lines.push(
    best.importanceKind === 'native'
      ? 'Feature importances'
      : 'Feature importances (permutation: mean drop in test accuracy when the feature is shuffled)',
  );
  const sorted = [...best.featureImportances].sort((a, b) => b.importance - a.importance);
  lines.push(
    ...table(
      ['Feature', 'Importance'],
      sorted.map((f) => [f.feature, f.importance.toFixed(4)]),
    ),
  );
  lines.push('');
  lines.push(`Total ${result.seconds.toFixed(2)} s`);
  return `${lines.join('\n')}\n`;
}

export function formatParams(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
}
