/**
 * Generated data for the monitor's tests: a training sample (two numeric features, one categorical, a
 * binary label) whose baseline a registered champion carries, and captured traffic drawn from the same
 * distribution or a shifted one, written where serving's capture buffer writes it.
 */
import {
  copyBaselineToVersion,
  writeRunBaseline,
} from '../../../layers/core/monitoring/baseline-artifacts.ts';
import type { MonitorDeps } from '../../../layers/core/monitoring/monitor-model.ts';
import type { MonitorSettings } from '../../../layers/core/monitoring/monitor-settings.ts';
import { captureKey } from '../../../layers/core/serving/capture-key.ts';
import type { CapturedRow } from '../../../layers/core/serving/deps.ts';
import { computeBaseline } from '../../../layers/ml/drift/baseline.ts';
import type { Baseline, DriftColumn } from '../../../layers/ml/drift/types.ts';
import { Random } from '../../../layers/ml/random.ts';
import { MemoryAlarms } from '../../support/memory-alarms.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryMetrics,
  MemoryRegistry,
} from '../../support/memory-ports.ts';
import { MONITOR_SETTINGS } from '../../support/monitor-settings.ts';

export const BUCKET = 'monitor-test-bucket';
export const MODEL = 'flights';
export const NOW = new Date('2026-03-10T12:00:00.000Z');

const COLORS = ['red', 'green', 'blue'] as const;
const COLOR_SHARES = [0.5, 0.3, 0.2];
/** Share of x2 left missing in training and in unshifted traffic. */
const X2_MISSING = 0.05;

function color(random: Random): string {
  const u = random.next();
  return u < COLOR_SHARES[0] ? COLORS[0] : u < COLOR_SHARES[0] + COLOR_SHARES[1] ? COLORS[1] : COLORS[2];
}

/** One input as serving would capture it; `shift` moves x1's mean (in standard deviations). */
export function generatedInput(random: Random, shift = 0): Record<string, unknown> {
  const x1 = random.normal() + shift;
  const x2 = random.next() < X2_MISSING ? null : 5 + 2 * random.normal();
  return { x1, x2, color: color(random) };
}

export const predictionOf = (input: Readonly<Record<string, unknown>>): string =>
  typeof input.x1 === 'number' && input.x1 > 0 ? 'yes' : 'no';

/** The baseline of `rows` training rows drawn from the unshifted distribution. */
export function trainingBaseline(rows: number, seed = 1): Baseline {
  const random = new Random(seed);
  const x1 = new Float64Array(rows);
  const x2 = new Float64Array(rows);
  const colorCodes = new Int32Array(rows);
  const targetCodes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const input = generatedInput(random);
    x1[i] = input.x1 as number;
    x2[i] = input.x2 === null ? Number.NaN : (input.x2 as number);
    colorCodes[i] = COLORS.indexOf(input.color as (typeof COLORS)[number]);
    targetCodes[i] = predictionOf(input) === 'yes' ? 1 : 0;
  }
  const columns: DriftColumn[] = [
    { name: 'x1', kind: 'numeric', values: x1 },
    { name: 'x2', kind: 'numeric', values: x2 },
    { name: 'color', kind: 'categorical', codes: colorCodes, levels: [...COLORS] },
  ];
  return computeBaseline({ columns, targetLevels: ['no', 'yes'], targetCodes });
}

export function capturedRow(
  input: Readonly<Record<string, unknown>>,
  at: Date,
  n: number,
  version = 1,
): CapturedRow {
  const prediction = predictionOf(input);
  return {
    requestId: `req-${n}`,
    row: 0,
    at: at.toISOString(),
    model: MODEL,
    version,
    alias: 'champion',
    input,
    prediction,
    probabilities: prediction === 'yes' ? { no: 0.2, yes: 0.8 } : { no: 0.8, yes: 0.2 },
  };
}

export class MonitorHarness {
  readonly clock = new FixedClock(NOW);
  readonly artifacts = new MemoryArtifactStore();
  readonly registry = new MemoryRegistry(this.clock);
  readonly metrics = new MemoryMetrics();
  readonly alarms = new MemoryAlarms(this.clock);
  private objects = 0;

  deps(settings: Partial<MonitorSettings> = {}): MonitorDeps {
    return {
      artifacts: this.artifacts,
      registry: this.registry,
      metrics: this.metrics,
      alarms: this.alarms,
      clock: this.clock,
      bucket: BUCKET,
      settings: { ...MONITOR_SETTINGS, ...settings },
    };
  }

  /**
   * Registers a version of `modelName` (with `baseline` copied next to it unless undefined) and makes it
   * champion unless told otherwise.
   */
  async registerChampion(
    baseline: Baseline | undefined,
    modelName = MODEL,
    champion = true,
  ): Promise<number> {
    const runId = `run-${modelName}-${this.objects++}`;
    const store = { artifacts: this.artifacts, bucket: BUCKET };
    if (baseline !== undefined) await writeRunBaseline(store, runId, baseline, modelName);
    const version = await this.registry.createVersion({
      modelName,
      algorithm: 'LogisticRegression',
      params: {},
      artifact: {
        uri: `s3://${BUCKET}/models/${modelName}/${runId}/model.json`,
        sha256: 'a'.repeat(64),
        size: 1,
      },
      signature: {
        inputs: [
          { name: 'x1', type: 'number', optional: false },
          { name: 'x2', type: 'number', optional: true },
          { name: 'color', type: 'string', levels: [...COLORS], optional: false },
        ],
        target: 'late',
        classes: ['no', 'yes'],
      },
      metrics: { testAccuracy: 0.9, cvAccuracy: 0.9, cvStd: 0.01 },
      lineage: {
        runId,
        trigger: 'manual',
        dataset: { uri: `s3://${BUCKET}/incoming/${modelName}/data.csv`, digest: 'd'.repeat(64) },
        codeVersion: 'test',
      },
    });
    await copyBaselineToVersion(store, runId, modelName, version.version);
    if (!champion) return version.version;
    const current = await this.registry.getAlias(modelName, 'champion');
    await this.registry.moveAlias({
      modelName,
      alias: 'champion',
      version: version.version,
      expectedRevision: current?.revision,
      reason: 'test',
      actor: 'test',
    });
    return version.version;
  }

  /** Writes rows as one capture object flushed at `flushedAt`, as the capture buffer does. */
  writeCapture(rows: readonly CapturedRow[], flushedAt: Date, modelName = MODEL): string {
    const key = captureKey(modelName, flushedAt, `obj${String(this.objects++).padStart(4, '0')}`);
    this.artifacts.put({ bucket: BUCKET, key }, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    return key;
  }

  /** `count` generated rows scored over the `spanMs` before `flushedAt`, written as one object. */
  captureTraffic(options: {
    readonly count: number;
    readonly flushedAt: Date;
    readonly seed: number;
    readonly shift?: number;
    readonly spanMs?: number;
    readonly modelName?: string;
    readonly mutate?: (input: Record<string, unknown>, i: number) => void;
  }): string {
    const random = new Random(options.seed);
    const span = options.spanMs ?? 60_000;
    const rows: CapturedRow[] = [];
    for (let i = 0; i < options.count; i++) {
      const input = generatedInput(random, options.shift ?? 0);
      options.mutate?.(input, i);
      const at = new Date(options.flushedAt.getTime() - span + Math.floor((span * i) / options.count));
      rows.push({ ...capturedRow(input, at, i), model: options.modelName ?? MODEL });
    }
    return this.writeCapture(rows, options.flushedAt, options.modelName);
  }
}
