/**
 * The EMF metrics of one monitor run (names in metric-names.ts; Powertools adds `service`). An empty
 * window emits MonitoredRows 0 and nothing else: no MaxPSI datapoint, so the drift alarm's missing-data
 * treatment (notBreaching) applies instead of a made-up 0.
 */
import type { Metrics } from '../ports.ts';
import {
  DATA_QUALITY_VIOLATIONS_METRIC,
  FEATURE_KS_METRIC,
  FEATURE_LINF_ROBUST_METRIC,
  FEATURE_PSI_METRIC,
  MAX_PSI_METRIC,
  MONITORED_ROWS_METRIC,
  PREDICTION_PSI_METRIC,
} from './metric-names.ts';
import type { DriftReport } from './types.ts';

export function emitMonitorMetrics(metrics: Metrics, report: DriftReport): void {
  const model = { model: report.model };
  metrics.add(MONITORED_ROWS_METRIC, 'Count', report.rows, model);
  if (report.rows === 0) return;
  metrics.add(DATA_QUALITY_VIOLATIONS_METRIC, 'Count', report.violations.length, model);
  if (report.features.length > 0) metrics.add(MAX_PSI_METRIC, 'None', report.maxPsi, model);
  if (report.predictions !== null) metrics.add(PREDICTION_PSI_METRIC, 'None', report.predictions.psi, model);
  for (const feature of report.features) {
    const dimensions = { model: report.model, feature: feature.name };
    metrics.add(FEATURE_PSI_METRIC, 'None', feature.psi, dimensions);
    if (feature.ks !== null) metrics.add(FEATURE_KS_METRIC, 'None', feature.ks, dimensions);
    metrics.add(FEATURE_LINF_ROBUST_METRIC, 'None', feature.linfRobust, dimensions);
  }
}
