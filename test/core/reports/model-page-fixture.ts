/**
 * A model's life for the model-page tests, generated (seeded): construction-schedule activities; four
 * versions over ten days with the pipeline's moves, a promotion by hand and a rollback, through the
 * in-memory registry as the use cases make them; the champion's baseline computed from 2,000 generated
 * training rows (layers/ml/drift) and stored as statistics.json; then a week of hourly monitor runs whose
 * PSI per feature is measured (measureDrift) on generated windows that drift from day 4 on, and live
 * accuracy every six hours that sags with the drift. The metrics sit in an in-memory CloudWatch that
 * aggregates per period as GetMetricData does.
 */

import { accuracyAlarm, driftAlarm } from '../../../layers/core/monitoring/alarm-definitions.ts';
import {
  FEATURE_PSI_METRIC,
  LIVE_ACCURACY_METRIC,
  MAX_PSI_METRIC,
} from '../../../layers/core/monitoring/metric-names.ts';
import { versionStatisticsKey } from '../../../layers/core/monitoring/monitoring-keys.ts';
import type { NewModelVersion } from '../../../layers/core/pipeline/records.ts';
import type {
  MetricHistory,
  MetricQuery,
  MetricSeries,
} from '../../../layers/core/reports/model-page/metric-history.ts';
import type { ModelPageDeps } from '../../../layers/core/reports/model-page/model-page-data.ts';
import { computeBaseline } from '../../../layers/ml/drift/baseline.ts';
import { measureDrift } from '../../../layers/ml/drift/measure-drift.ts';
import { toStatisticsJson } from '../../../layers/ml/drift/statistics-json.ts';
import type { DriftColumn } from '../../../layers/ml/drift/types.ts';
import { Random } from '../../../layers/ml/random.ts';
import { MemoryAlarms } from '../../support/memory-alarms.ts';
import { FixedClock, MemoryArtifactStore, MemoryRegistry } from '../../support/memory-ports.ts';
import { MONITOR_SETTINGS } from '../../support/monitor-settings.ts';

export const BUCKET = 'synergy-data';

export interface RawPoint {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly at: Date;
  readonly value: number;
}

function sameDimensions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function statistic(values: readonly number[], stat: MetricQuery['stat']): number {
  switch (stat) {
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'Sum':
      return values.reduce((s, v) => s + v, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((s, v) => s + v, 0) / values.length;
  }
}

/** CloudWatch as far as GetMetricData goes: exact dimension sets, periods from `from`, only periods with data. */
export class MemoryMetricHistory implements MetricHistory {
  readonly points: RawPoint[] = [];
  readonly asked: MetricQuery[][] = [];

  async series(queries: readonly MetricQuery[]): Promise<MetricSeries[]> {
    this.asked.push([...queries]);
    return queries.map((query) => {
      const periodMs = query.periodSeconds * 1000;
      const buckets = new Map<number, number[]>();
      for (const point of this.points) {
        const t = point.at.getTime();
        if (
          point.namespace !== query.namespace ||
          point.metricName !== query.metricName ||
          !sameDimensions(point.dimensions, query.dimensions) ||
          t < query.from.getTime() ||
          t >= query.to.getTime()
        ) {
          continue;
        }
        const start = query.from.getTime() + Math.floor((t - query.from.getTime()) / periodMs) * periodMs;
        buckets.set(start, [...(buckets.get(start) ?? []), point.value]);
      }
      const starts = [...buckets.keys()].sort((a, b) => a - b);
      return {
        timestamps: starts.map((s) => new Date(s)),
        values: starts.map((s) => statistic(buckets.get(s) ?? [], query.stat)),
      };
    });
  }
}

/** A version as register-model records it (fields the page does not show are plausible constants). */
export function newVersion(
  modelName: string,
  runId: string,
  overrides: Partial<NewModelVersion> = {},
): NewModelVersion {
  return {
    modelName,
    algorithm: 'RandomForest',
    params: { n_estimators: 100 },
    artifact: {
      uri: `s3://${BUCKET}/models/${modelName}/${runId}/model.json`,
      sha256: 'ab'.repeat(32),
      size: 1234,
    },
    signature: { inputs: [], target: 'delayed', classes: ['no', 'yes'] },
    metrics: { testAccuracy: 0.86, cvAccuracy: 0.85, cvStd: 0.012 },
    lineage: {
      runId,
      trigger: 'upload',
      dataset: { uri: `s3://${BUCKET}/incoming/${modelName}/schedule.csv`, digest: 'cd'.repeat(32) },
      codeVersion: 'test-sha',
    },
    ...overrides,
  };
}

const ACTIVITIES = ['excavation', 'foundation', 'framing', 'electrical', 'plumbing', 'roofing', 'finishing'];
const REGIONS = ['north', 'south', 'east', 'west'];

/** Construction-schedule rows; `drift` in [0, 1] shifts delays, weather risk and the activity mix. */
function scheduleColumns(random: Random, rows: number, drift: number): DriftColumn[] {
  const crew = new Float64Array(rows);
  const planned = new Float64Array(rows);
  const weather = new Float64Array(rows);
  const delay = new Float64Array(rows);
  const activity = new Int32Array(rows);
  const region = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    crew[i] = Math.max(1, Math.round(6 + 2.5 * random.normal()));
    planned[i] = Math.max(1, Math.round(12 + 6 * random.normal()));
    weather[i] = Math.min(1, Math.max(0, 0.3 + 0.12 * drift + 0.15 * random.normal()));
    delay[i] = Math.max(0, 2 + 1.6 * drift + (2 + 0.5 * drift) * random.normal());
    // With drift, finishing work (the last level) crowds out the rest.
    activity[i] = random.next() < 0.12 * drift ? ACTIVITIES.length - 1 : random.int(ACTIVITIES.length);
    region[i] = random.int(REGIONS.length);
    if (random.next() < 0.02) crew[i] = Number.NaN;
  }
  return [
    { name: 'activity_type', kind: 'categorical', codes: activity, levels: ACTIVITIES },
    { name: 'crew_size', kind: 'numeric', values: crew },
    { name: 'planned_duration_days', kind: 'numeric', values: planned },
    { name: 'weather_risk', kind: 'numeric', values: weather },
    { name: 'material_delay_days', kind: 'numeric', values: delay },
    { name: 'site_region', kind: 'categorical', codes: region, levels: REGIONS },
  ];
}

export interface ModelWorld {
  readonly modelName: string;
  readonly clock: FixedClock;
  readonly artifacts: MemoryArtifactStore;
  readonly registry: MemoryRegistry;
  readonly alarms: MemoryAlarms;
  readonly metrics: MemoryMetricHistory;
  readonly deps: ModelPageDeps;
  readonly features: readonly string[];
  /** Hours the monitor did not run (a gap in the lines). */
  readonly quietHours: number;
  /** LiveAccuracy datapoints emitted (one per feedback upload). */
  readonly feedbackUploads: number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Ten days of a model's life; the clock ends at `end`. */
export async function generatedModel(
  options: { modelName?: string; end?: Date; seed?: number } = {},
): Promise<ModelWorld> {
  const modelName = options.modelName ?? 'construction-delays';
  const end = options.end ?? new Date('2026-03-10T12:00:00.000Z');
  const start = new Date(end.getTime() - 10 * DAY);
  const clock = new FixedClock(start);
  const artifacts = new MemoryArtifactStore();
  const registry = new MemoryRegistry(clock);
  const alarms = new MemoryAlarms(clock);
  const metrics = new MemoryMetricHistory();
  const random = new Random(options.seed ?? 7);
  const at = (days: number) => {
    const target = start.getTime() + days * DAY;
    clock.advance(target - clock.now().getTime());
  };
  const moveTo = async (alias: 'champion' | 'challenger', version: number, reason: string, actor: string) => {
    const current = await registry.getAlias(modelName, alias);
    await registry.moveAlias({
      modelName,
      alias,
      version,
      expectedRevision: current?.revision,
      reason,
      actor,
    });
  };
  const register = async (
    runId: string,
    overrides: Partial<NewModelVersion>,
    promote: string | undefined,
  ) => {
    const v = await registry.createVersion(newVersion(modelName, runId, overrides));
    await moveTo('challenger', v.version, `registered by run ${runId}`, `run/${runId}`);
    if (promote !== undefined)
      await moveTo('champion', v.version, `promoted by run ${runId}: ${promote}`, `run/${runId}`);
    return v;
  };

  at(0);
  await register(
    'run-0001',
    { algorithm: 'LogisticRegression', metrics: { testAccuracy: 0.81, cvAccuracy: 0.8, cvStd: 0.02 } },
    'no champion yet',
  );
  at(3);
  await register(
    'run-0002',
    { metrics: { testAccuracy: 0.86, cvAccuracy: 0.85, cvStd: 0.012 } },
    'beats v1 by 0.050 on the holdout',
  );
  at(6.2);
  await register(
    'run-0003',
    {
      algorithm: 'XGBoost',
      metrics: { testAccuracy: 0.84, cvAccuracy: 0.845, cvStd: 0.015 },
      lineage: {
        ...newVersion(modelName, 'run-0003').lineage,
        trigger: 'drift',
        reason: 'MaxPSI 0.41 > 0.25 (synergy-test-construction-delays-drift)',
      },
    },
    undefined,
  );
  at(7);
  await moveTo('champion', 3, 'ops: try the XGBoost model on live traffic', 'synergy-cli');
  await registry.putRouting({
    modelName,
    weights: { champion: 90, challenger: 10 },
    updatedAt: clock.now().toISOString(),
    actor: 'synergy-cli',
  });
  at(8);
  await moveTo('champion', 2, 'rollback from v3: latency too high', 'synergy-cli');
  at(9.4);
  await register(
    'run-0004',
    {
      algorithm: 'GradientBoosting',
      metrics: { testAccuracy: 0.88, cvAccuracy: 0.872, cvStd: 0.01 },
      lineage: {
        ...newVersion(modelName, 'run-0004').lineage,
        trigger: 'accuracy',
        reason: 'LiveAccuracy 0.64 < 0.7 (synergy-test-construction-delays-accuracy)',
      },
    },
    'beats v2 by 0.030 on the holdout',
  );

  // The champion's baseline, as prep computes it from the training split and register copies it.
  const training = scheduleColumns(random, 2000, 0);
  const targetCodes = new Int32Array(2000).map(() => (random.next() < 0.3 ? 1 : 0));
  const baseline = computeBaseline({
    columns: training,
    targetLevels: ['no', 'yes'],
    targetCodes,
    targetName: 'delayed',
  });
  artifacts.put(
    { bucket: BUCKET, key: versionStatisticsKey(modelName, 4) },
    JSON.stringify(toStatisticsJson(baseline, { datasetName: 'schedule.csv' })),
  );

  // A week of hourly monitor runs (minus a quiet stretch) and six-hourly feedback.
  const emit = (metricName: string, when: Date, value: number, extra: Record<string, string> = {}) =>
    metrics.points.push({
      namespace: MONITOR_SETTINGS.namespace,
      metricName,
      dimensions: { service: MONITOR_SETTINGS.service, model: modelName, ...extra },
      at: when,
      value,
    });
  const weekStart = end.getTime() - 7 * DAY;
  let quietHours = 0;
  let feedbackUploads = 0;
  for (let hour = 0; hour < 7 * 24; hour++) {
    if (hour >= 40 && hour < 50) {
      quietHours++;
      continue;
    }
    const when = new Date(weekStart + hour * HOUR + 30_000);
    const drift = Math.max(0, Math.min(1, (hour - 4 * 24) / (2 * 24)));
    const window = scheduleColumns(random, 150, drift);
    let max = 0;
    window.forEach((column, i) => {
      const psi = measureDrift(baseline.features[i], column).psi;
      max = Math.max(max, psi);
      emit(FEATURE_PSI_METRIC, when, psi, { feature: column.name });
    });
    emit(MAX_PSI_METRIC, when, max);
    if (hour % 6 === 3) {
      const accuracy = Math.min(0.99, 0.87 - 0.2 * drift + 0.02 * random.normal());
      emit(LIVE_ACCURACY_METRIC, new Date(when.getTime() + 20 * 60_000), accuracy);
      feedbackUploads++;
    }
  }

  at(10);
  await alarms.ensure(driftAlarm(MONITOR_SETTINGS, modelName));
  await alarms.ensure(accuracyAlarm(MONITOR_SETTINGS, modelName));
  alarms.setState(
    driftAlarm(MONITOR_SETTINGS, modelName).name,
    'ALARM',
    'Threshold Crossed: 1 datapoint [0.52] was greater than the threshold (0.25).',
  );
  alarms.setState(
    accuracyAlarm(MONITOR_SETTINGS, modelName).name,
    'OK',
    'Threshold Crossed: no datapoints were received for 1 period.',
  );

  return {
    modelName,
    clock,
    artifacts,
    registry,
    alarms,
    metrics,
    features: baseline.features.map((f) => f.name),
    quietHours,
    feedbackUploads,
    deps: { registry, artifacts, bucket: BUCKET, alarms, metrics, clock, settings: MONITOR_SETTINGS },
  };
}
