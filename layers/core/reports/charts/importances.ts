/**
 * Feature importances of the best model, largest first, one `data-bar` per feature (every feature is
 * drawn, even a zero, so the chart shows what the model ignored too).
 */
import type { FeatureImportance } from '../../training/best-model.ts';
import { barChart } from './bar-chart.ts';

export function importancesChart(
  importances: readonly FeatureImportance[],
  kind: 'native' | 'permutation',
): string {
  const sorted = [...importances].sort((a, b) => b.importance - a.importance);
  const what =
    kind === 'native'
      ? 'the model’s own importances (impurity decrease or |coefficient|)'
      : 'permutation importance on the test split (mean accuracy drop when the feature is shuffled)';
  return barChart({
    chart: 'importances',
    title: 'Feature importances of the best model',
    description: `${sorted.length} features, largest first, by ${what}.`,
    bars: sorted.map((f) => ({
      label: f.feature,
      value: f.importance,
      valueText: formatImportance(f.importance),
      tooltip: `${f.feature}: ${formatImportance(f.importance)}`,
    })),
    tickFormat: formatImportance,
    maxLabelChars: 24,
  });
}

function formatImportance(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  return magnitude >= 0.01 ? value.toFixed(3) : value.toExponential(1);
}
