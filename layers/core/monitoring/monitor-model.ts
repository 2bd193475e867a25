/**
 * The monitor: the champion's captured traffic of the last window against the baseline of its training
 * data → per-feature drift, prediction drift, data-quality violations → EMF metrics, a drift report in
 * S3, and the model's alarms put (idempotently) and described.
 *
 * Every captured row of the window counts, whichever version or alias scored it: the inputs are the
 * traffic, and the champion is what the traffic is compared with.
 */

import { measureDrift, measurePredictionDrift } from '../../ml/drift/measure-drift.ts';
import type { Baseline, FeatureDrift } from '../../ml/drift/types.ts';
import { NotFoundError, SynergyError } from '../errors.ts';
import { s3Uri } from '../pipeline/keys.ts';
import type { Alarms, ArtifactStore, Clock, Metrics, ObjectRef, Registry } from '../ports.ts';
import { readVersionBaseline } from './baseline-artifacts.ts';
import { readCapture } from './capture-reader.ts';
import { ensureModelAlarms } from './model-alarms.ts';
import { emitMonitorMetrics } from './monitor-metrics.ts';
import type { MonitorSettings } from './monitor-settings.ts';
import { checkMonitorSettings } from './monitor-settings.ts';
import { driftReportKey } from './monitoring-keys.ts';
import type { DriftReport, MonitorResult } from './types.ts';
import { findViolations } from './violations.ts';
import type { WindowColumns } from './window-columns.ts';
import { WindowColumnsBuilder } from './window-columns.ts';

export interface MonitorDeps {
  artifacts: ArtifactStore;
  registry: Registry;
  metrics: Metrics;
  alarms: Alarms;
  clock: Clock;
  bucket: string;
  settings: MonitorSettings;
}

/** A drift statistic came out NaN or infinite: a bug in the drift math, never written as a number. */
export class DriftMeasureError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.name = 'DriftMeasureError';
  }
}

/** Some models could not be monitored; the others were. `cause` is the first failure. */
export class MonitorFailuresError extends SynergyError {
  readonly failures: readonly { readonly modelName: string; readonly error: unknown }[];
  readonly results: readonly MonitorResult[];
  constructor(
    failures: readonly { readonly modelName: string; readonly error: unknown }[],
    results: readonly MonitorResult[],
  ) {
    const described = failures
      .map(
        ({ modelName, error }) => `${modelName} (${error instanceof Error ? error.message : String(error)})`,
      )
      .join('; ');
    super(
      `monitor failed for ${failures.length} of ${failures.length + results.length} model(s): ${described}`,
      { failed: failures.map((f) => f.modelName), monitored: results.map((r) => r.report.model) },
      { cause: failures[0]?.error },
    );
    this.name = 'MonitorFailuresError';
    this.failures = failures;
    this.results = results;
  }
}

function checkFinite(drift: FeatureDrift): FeatureDrift {
  const values: Record<string, number | null> = {
    psi: drift.psi,
    ks: drift.ks,
    linf: drift.linf,
    linfRobust: drift.linfRobust,
    js: drift.js,
    chi2: drift.chi2,
  };
  for (const [statistic, value] of Object.entries(values)) {
    if (value !== null && !Number.isFinite(value)) {
      throw new DriftMeasureError(`drift of ${drift.name}: ${statistic} is ${value}`, {
        feature: drift.name,
        statistic,
      });
    }
  }
  return drift;
}

/**
 * Drift of each feature with at least one readable value (one with none is a completeness violation,
 * not a distribution), in the baseline's order.
 */
function measureFeatures(baseline: Baseline, window: WindowColumns): FeatureDrift[] {
  const drifts: FeatureDrift[] = [];
  baseline.features.forEach((feature, f) => {
    const quality = window.quality[f];
    if (window.rows - quality.absent - quality.wrongType === 0) return;
    drifts.push(checkFinite(measureDrift(feature, window.features[f])));
  });
  return drifts;
}

function highestPsi(features: readonly FeatureDrift[]): { maxPsi: number; maxPsiFeature?: string } {
  let best: FeatureDrift | undefined;
  for (const feature of features) if (best === undefined || feature.psi > best.psi) best = feature;
  return best === undefined ? { maxPsi: 0 } : { maxPsi: best.psi, maxPsiFeature: best.name };
}

export async function monitorModel(
  deps: MonitorDeps,
  modelName: string,
  signal?: AbortSignal,
): Promise<MonitorResult> {
  const settings = checkMonitorSettings(deps.settings);
  const champion = await deps.registry.getAlias(modelName, 'champion');
  if (champion === undefined) {
    throw new NotFoundError(`${modelName} has no champion to monitor`, { modelName });
  }
  const baseline = await readVersionBaseline(deps, modelName, champion.version, signal);
  const to = deps.clock.now();
  const from = new Date(to.getTime() - settings.windowSeconds * 1000);

  const builder = new WindowColumnsBuilder(baseline);
  const capture = readCapture(deps, modelName, from, to, signal);
  for await (const row of capture) builder.add(row);
  const window = builder.finish();
  signal?.throwIfAborted();

  const features = window.rows === 0 ? [] : measureFeatures(baseline, window);
  const predictions =
    window.rows === 0 ? null : checkFinite(measurePredictionDrift(baseline.target, window.predictions));
  const violations = findViolations({
    baseline,
    rows: window.rows,
    quality: window.quality,
    drifts: features,
  });

  const ref: ObjectRef = { bucket: deps.bucket, key: driftReportKey(modelName, to) };
  const report: DriftReport = {
    model: modelName,
    baselineVersion: champion.version,
    window: { from: from.toISOString(), to: to.toISOString() },
    rows: window.rows,
    truncatedLines: capture.stats.truncatedLines,
    ...highestPsi(features),
    features,
    predictions,
    violations,
    generatedAt: deps.clock.now().toISOString(),
    reportUri: s3Uri(ref),
  };
  await deps.artifacts.writeJson(ref, report);
  emitMonitorMetrics(deps.metrics, report);

  const alarms = await ensureModelAlarms(deps, modelName);
  return { report, alarms };
}

/**
 * Monitors every model that has a champion, one after the other (memory holds one window at a time).
 * A model that fails does not stop the others; MonitorFailuresError names them all at the end.
 */
export async function monitorAllModels(deps: MonitorDeps, signal?: AbortSignal): Promise<MonitorResult[]> {
  const models = (await deps.registry.listModels()).filter((model) => model.champion !== undefined);
  const results: MonitorResult[] = [];
  const failures: { modelName: string; error: unknown }[] = [];
  for (const { modelName } of models) {
    signal?.throwIfAborted();
    try {
      results.push(await monitorModel(deps, modelName, signal));
    } catch (error) {
      if (signal?.aborted) throw error;
      failures.push({ modelName, error });
    }
  }
  if (failures.length > 0) throw new MonitorFailuresError(failures, results);
  return results;
}
