/**
 * Everything a model's page shows, gathered from the stack: its versions (registry), who held each alias
 * when (the audit trail), its two alarms now (CloudWatch), and the monitoring metrics over the last days
 * (LiveAccuracy, MaxPSI, FeaturePSI per feature). The statistics are the alarms' own — Minimum accuracy
 * and Maximum PSI per period — so a period drawn below the floor or above the threshold is one the alarm
 * saw breach, whatever the period drawn. Features come from the champion's baseline (what the monitor
 * measures), else from the latest drift report.
 */

import { NotFoundError, SynergyError } from '../../errors.ts';
import { accuracyAlarmName, driftAlarmName } from '../../monitoring/alarm-definitions.ts';
import { BaselineFormatError, readVersionBaseline } from '../../monitoring/baseline-artifacts.ts';
import { FEATURE_PSI_METRIC, LIVE_ACCURACY_METRIC, MAX_PSI_METRIC } from '../../monitoring/metric-names.ts';
import type { MonitorSettings } from '../../monitoring/monitor-settings.ts';
import { driftReportsPrefix } from '../../monitoring/monitoring-keys.ts';
import { s3Uri } from '../../pipeline/keys.ts';
import type { AliasName, AliasRecord, RunTrigger } from '../../pipeline/records.ts';
import type { AlarmStateValue, Alarms, ArtifactStore, Clock, Registry } from '../../ports.ts';
import { type AliasHistory, aliasHistory } from './alias-history.ts';
import type { MetricHistory, MetricQuery, MetricSeries } from './metric-history.ts';

export type ModelPageSettings = Pick<
  MonitorSettings,
  'alarmPrefix' | 'driftPsiThreshold' | 'accuracyFloor' | 'alarmPeriodSeconds' | 'namespace' | 'service'
>;

export interface ModelPageDeps {
  readonly registry: Pick<Registry, 'listVersions' | 'listAudit' | 'getAlias'>;
  readonly artifacts: ArtifactStore;
  readonly bucket: string;
  readonly alarms: Pick<Alarms, 'describe'>;
  readonly metrics: MetricHistory;
  readonly clock: Clock;
  readonly settings: ModelPageSettings;
}

export interface ModelPageOptions {
  /** How far back the metric charts go (default 14 days: CloudWatch keeps one-minute data 15 days). */
  readonly lookbackSeconds?: number;
  /** One point per period (default: the alarms' period, widened to keep ≤ MAX_PERIODS points). */
  readonly periodSeconds?: number;
}

export const DEFAULT_LOOKBACK_SECONDS = 14 * 24 * 3600;
/** Points per series at most (GetMetricStatistics' limit, and more than a chart can show apart). */
export const MAX_PERIODS = 1440;

/** An option of the page is out of range; the message names it. */
export class ModelPageOptionsError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.name = 'ModelPageOptionsError';
  }
}

export interface TimePoint {
  /** ISO-8601: the start of the period. */
  readonly at: string;
  readonly value: number;
}

export interface FeatureSeries {
  readonly name: string;
  readonly points: readonly TimePoint[];
}

export type FeatureSource =
  | { readonly kind: 'baseline'; readonly version: number }
  | { readonly kind: 'drift-report'; readonly uri: string }
  | { readonly kind: 'none'; readonly reason: string };

export interface VersionRow {
  readonly version: number;
  readonly createdAt: string;
  readonly algorithm: string;
  readonly testAccuracy: number;
  readonly cvAccuracy: number;
  readonly cvStd: number;
  readonly trigger: RunTrigger['kind'];
  readonly reason?: string;
  readonly runId: string;
  readonly datasetDigest: string;
  /** The aliases that point at this version now. */
  readonly aliases: readonly AliasName[];
}

export interface AlarmRow {
  readonly name: string;
  readonly signal: 'drift' | 'accuracy';
  readonly metric: string;
  readonly threshold: number;
  /** Absent: the alarm does not exist yet (the monitor or feedback function creates it). */
  readonly state?: AlarmStateValue;
  readonly reason?: string;
  readonly updatedAt?: string;
}

export interface ModelPageData {
  readonly modelName: string;
  readonly generatedAt: string;
  readonly thresholds: { readonly driftPsi: number; readonly accuracyFloor: number };
  /** The metric charts' range, ISO-8601 [from, to), and their period. */
  readonly range: { readonly from: string; readonly to: string; readonly periodSeconds: number };
  readonly champion?: number;
  readonly challenger?: number;
  /** Newest first. */
  readonly versions: readonly VersionRow[];
  readonly history: AliasHistory;
  readonly alarms: readonly AlarmRow[];
  readonly liveAccuracy: readonly TimePoint[];
  readonly maxPsi: readonly TimePoint[];
  /** In the baseline's order. */
  readonly features: readonly FeatureSeries[];
  readonly featureSource: FeatureSource;
}

function checkWholeSeconds(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new ModelPageOptionsError(
      `model page: ${name} must be a positive whole number of seconds, got ${value}`,
      {
        option: name,
        value,
      },
    );
  }
}

/**
 * The period the charts use: the one asked for (or the alarms'), widened to a multiple of a minute that
 * keeps the range within MAX_PERIODS points.
 */
export function chartPeriod(lookbackSeconds: number, requested: number): number {
  const widest = Math.ceil(lookbackSeconds / MAX_PERIODS / 60) * 60;
  return Math.max(requested, widest);
}

function points(series: MetricSeries | undefined): TimePoint[] {
  if (series === undefined) return [];
  return series.timestamps.flatMap((at, i) =>
    Number.isFinite(series.values[i]) ? [{ at: at.toISOString(), value: series.values[i] }] : [],
  );
}

/** A drift report's feature names, or undefined when it does not look like one. */
function reportFeatures(json: unknown): string[] | undefined {
  if (typeof json !== 'object' || json === null || !('features' in json)) return undefined;
  const features = (json as { features: unknown }).features;
  if (!Array.isArray(features)) return undefined;
  const names = features.map((f: unknown) =>
    typeof f === 'object' && f !== null && 'name' in f && typeof f.name === 'string' ? f.name : undefined,
  );
  return names.every((n): n is string => n !== undefined) ? names : undefined;
}

async function latestDriftReportKey(deps: ModelPageDeps, modelName: string): Promise<string | undefined> {
  let latest: string | undefined;
  // Keys end in <yyyy>/<mm>/<dd>/<HHmmss>-drift.json: the greatest is the newest.
  for await (const object of deps.artifacts.list(deps.bucket, driftReportsPrefix(modelName))) {
    if (object.ref.key.endsWith('-drift.json') && (latest === undefined || object.ref.key > latest)) {
      latest = object.ref.key;
    }
  }
  return latest;
}

async function discoverFeatures(
  deps: ModelPageDeps,
  modelName: string,
  champion: number | undefined,
  signal?: AbortSignal,
): Promise<{ names: string[]; source: FeatureSource }> {
  let why = 'the model has no champion';
  if (champion !== undefined) {
    try {
      const baseline = await readVersionBaseline(deps, modelName, champion, signal);
      return { names: baseline.features.map((f) => f.name), source: { kind: 'baseline', version: champion } };
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof BaselineFormatError)) throw error;
      why = error.message;
    }
  }
  const key = await latestDriftReportKey(deps, modelName);
  if (key === undefined)
    return { names: [], source: { kind: 'none', reason: `${why}, and no drift report exists` } };
  const ref = { bucket: deps.bucket, key };
  const names = reportFeatures(await deps.artifacts.readJson(ref, signal));
  if (names === undefined) {
    return { names: [], source: { kind: 'none', reason: `${why}, and ${s3Uri(ref)} lists no features` } };
  }
  return { names, source: { kind: 'drift-report', uri: s3Uri(ref) } };
}

export async function collectModelPage(
  deps: ModelPageDeps,
  modelName: string,
  options: ModelPageOptions = {},
  signal?: AbortSignal,
): Promise<ModelPageData> {
  checkWholeSeconds('lookbackSeconds', options.lookbackSeconds);
  checkWholeSeconds('periodSeconds', options.periodSeconds);
  const { settings } = deps;
  const lookback = options.lookbackSeconds ?? DEFAULT_LOOKBACK_SECONDS;
  const periodSeconds = chartPeriod(lookback, options.periodSeconds ?? settings.alarmPeriodSeconds);

  const [versions, audit, champion, challenger] = await Promise.all([
    deps.registry.listVersions(modelName),
    deps.registry.listAudit(modelName),
    deps.registry.getAlias(modelName, 'champion'),
    deps.registry.getAlias(modelName, 'challenger'),
  ]);
  if (versions.length === 0) {
    throw new NotFoundError(`model ${modelName} has no registered version`, { modelName });
  }
  const current: Partial<Record<AliasName, AliasRecord>> = {
    ...(champion === undefined ? {} : { champion }),
    ...(challenger === undefined ? {} : { challenger }),
  };

  const now = deps.clock.now();
  const periodMs = periodSeconds * 1000;
  // Periods aligned to the epoch, as the alarms' are.
  const from = new Date(Math.floor((now.getTime() - lookback * 1000) / periodMs) * periodMs);
  const features = await discoverFeatures(deps, modelName, champion?.version, signal);
  const dimensions = { service: settings.service, model: modelName };
  const query = (
    metricName: string,
    stat: MetricQuery['stat'],
    extra: Record<string, string> = {},
  ): MetricQuery => ({
    namespace: settings.namespace,
    metricName,
    dimensions: { ...dimensions, ...extra },
    stat,
    periodSeconds,
    from,
    to: now,
  });
  const queries = [
    query(LIVE_ACCURACY_METRIC, 'Minimum'),
    query(MAX_PSI_METRIC, 'Maximum'),
    ...features.names.map((feature) => query(FEATURE_PSI_METRIC, 'Maximum', { feature })),
  ];
  const alarmNames = [driftAlarmName(settings, modelName), accuracyAlarmName(settings, modelName)];
  const [series, statuses] = await Promise.all([
    deps.metrics.series(queries, signal),
    deps.alarms.describe(alarmNames),
  ]);
  const statusOf = (name: string) => statuses.find((s) => s.name === name);
  const alarmRow = (name: string, signal: AlarmRow['signal']): AlarmRow => {
    const status = statusOf(name);
    return {
      name,
      signal,
      metric: signal === 'drift' ? MAX_PSI_METRIC : LIVE_ACCURACY_METRIC,
      threshold: signal === 'drift' ? settings.driftPsiThreshold : settings.accuracyFloor,
      ...(status === undefined
        ? {}
        : { state: status.state, reason: status.reason, updatedAt: status.updatedAt }),
    };
  };

  return {
    modelName,
    generatedAt: now.toISOString(),
    thresholds: { driftPsi: settings.driftPsiThreshold, accuracyFloor: settings.accuracyFloor },
    range: { from: from.toISOString(), to: now.toISOString(), periodSeconds },
    ...(champion === undefined ? {} : { champion: champion.version }),
    ...(challenger === undefined ? {} : { challenger: challenger.version }),
    versions: versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt,
      algorithm: v.algorithm,
      testAccuracy: v.metrics.testAccuracy,
      cvAccuracy: v.metrics.cvAccuracy,
      cvStd: v.metrics.cvStd,
      trigger: v.lineage.trigger,
      ...(v.lineage.reason === undefined ? {} : { reason: v.lineage.reason }),
      runId: v.lineage.runId,
      datasetDigest: v.lineage.dataset.digest,
      aliases: (['champion', 'challenger'] as const).filter((alias) => current[alias]?.version === v.version),
    })),
    history: aliasHistory(audit, current),
    alarms: [alarmRow(alarmNames[0], 'drift'), alarmRow(alarmNames[1], 'accuracy')],
    liveAccuracy: points(series[0]),
    maxPsi: points(series[1]),
    features: features.names.map((name, i) => ({ name, points: points(series[2 + i]) })),
    featureSource: features.source,
  };
}
