/**
 * The monitor on generated capture: traffic like the training data stays under the drift threshold,
 * traffic with one feature shifted by a standard deviation goes over it on that feature; the metrics
 * carry the decided names and dimensions, the report lands at its key, both alarms are put and described.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../layers/core/errors.ts';
import { accuracyAlarm, driftAlarm } from '../../../layers/core/monitoring/alarm-definitions.ts';
import { monitorModel } from '../../../layers/core/monitoring/monitor-model.ts';
import { Random } from '../../../layers/ml/random.ts';
import { MONITOR_SETTINGS as SETTINGS } from '../../support/monitor-settings.ts';
import {
  capturedRow,
  generatedInput,
  MODEL,
  MonitorHarness,
  NOW,
  trainingBaseline,
} from './monitor-fixture.ts';

const baseline = trainingBaseline(5000);
const minutesBefore = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);
const REPORT_KEY = `monitoring/${MODEL}/reports/2026/03/10/120000-drift.json`;

async function monitored(options: { shift?: number; rows?: number } = {}) {
  const harness = new MonitorHarness();
  await harness.registerChampion(baseline);
  const rows = options.rows ?? 3000;
  // Three flushes across the window.
  for (const [i, minutes] of [50, 30, 5].entries()) {
    harness.captureTraffic({
      count: rows / 3,
      flushedAt: minutesBefore(minutes),
      seed: 100 + i,
      shift: options.shift,
    });
  }
  const result = await monitorModel(harness.deps(), MODEL);
  return { harness, result };
}

const pointsNamed = (harness: MonitorHarness, name: string) =>
  harness.metrics.points.filter((point) => point.name === name);

describe('monitorModel', () => {
  it('keeps traffic like the training data under the drift threshold', async () => {
    const { result } = await monitored();
    const { report } = result;

    expect(report.rows).toBe(3000);
    expect(report.features.map((f) => f.name)).toEqual(['x1', 'x2', 'color']);
    for (const feature of report.features) expect(feature.psi).toBeLessThan(SETTINGS.driftPsiThreshold / 5);
    expect(report.maxPsi).toBe(Math.max(...report.features.map((f) => f.psi)));
    expect(report.maxPsi).toBeLessThan(SETTINGS.driftPsiThreshold);
    expect(report.predictions?.psi).toBeLessThan(0.05);
    expect(report.violations).toEqual([]);
  });

  it('finds the shifted feature above the threshold', async () => {
    const { result } = await monitored({ shift: 1 });
    const { report } = result;

    expect(report.maxPsiFeature).toBe('x1');
    expect(report.maxPsi).toBeGreaterThan(SETTINGS.driftPsiThreshold);
    const byName = new Map(report.features.map((f) => [f.name, f]));
    expect(byName.get('x2')?.psi).toBeLessThan(SETTINGS.driftPsiThreshold / 5);
    expect(byName.get('x1')?.ks).toBeGreaterThan(0.3);
    expect(report.violations).toContainEqual(
      expect.objectContaining({ feature: 'x1', constraintCheckType: 'baseline_drift_check' }),
    );
    // More rows pass x1 > 0, so the predicted classes drift too.
    expect(report.predictions?.psi).toBeGreaterThan(0.1);
  });

  it('emits the decided metrics with the decided dimensions', async () => {
    const { harness, result } = await monitored({ shift: 1 });
    const { report } = result;
    const model = { model: MODEL };

    expect(pointsNamed(harness, 'MaxPSI')).toEqual([
      { name: 'MaxPSI', unit: 'None', value: report.maxPsi, dimensions: model },
    ]);
    expect(pointsNamed(harness, 'PredictionPSI')).toEqual([
      { name: 'PredictionPSI', unit: 'None', value: report.predictions?.psi, dimensions: model },
    ]);
    expect(pointsNamed(harness, 'MonitoredRows')).toEqual([
      { name: 'MonitoredRows', unit: 'Count', value: 3000, dimensions: model },
    ]);
    expect(pointsNamed(harness, 'DataQualityViolations')).toEqual([
      { name: 'DataQualityViolations', unit: 'Count', value: report.violations.length, dimensions: model },
    ]);
    const psi = pointsNamed(harness, 'FeaturePSI');
    expect(psi.map((p) => p.dimensions)).toEqual(
      ['x1', 'x2', 'color'].map((feature) => ({ model: MODEL, feature })),
    );
    expect(Math.max(...psi.map((p) => p.value))).toBe(report.maxPsi);
    expect(pointsNamed(harness, 'FeatureKS').map((p) => p.dimensions?.feature)).toEqual(['x1', 'x2']);
    expect(pointsNamed(harness, 'FeatureLinfRobust')).toHaveLength(3);
    for (const point of harness.metrics.points) expect(Number.isFinite(point.value)).toBe(true);
  });

  it('writes the report at its key and puts and describes both alarms', async () => {
    const { harness, result } = await monitored();

    expect(result.report.reportUri).toBe(`s3://monitor-test-bucket/${REPORT_KEY}`);
    const stored = await harness.artifacts.readJson({ bucket: 'monitor-test-bucket', key: REPORT_KEY });
    expect(stored).toEqual(JSON.parse(JSON.stringify(result.report)));
    expect(result.report.window).toEqual({ from: minutesBefore(60).toISOString(), to: NOW.toISOString() });
    expect(result.report.baselineVersion).toBe(1);

    expect(harness.alarms.puts).toEqual([driftAlarm(SETTINGS, MODEL), accuracyAlarm(SETTINGS, MODEL)]);
    expect(result.alarms.map((a) => [a.name, a.state])).toEqual([
      ['synergy-test-flights-drift', 'INSUFFICIENT_DATA'],
      ['synergy-test-flights-accuracy', 'INSUFFICIENT_DATA'],
    ]);
  });

  it('counts only the rows of the window', async () => {
    const harness = new MonitorHarness();
    await harness.registerChampion(baseline);
    harness.captureTraffic({ count: 500, flushedAt: minutesBefore(90), seed: 1, shift: 3 });
    harness.captureTraffic({ count: 800, flushedAt: minutesBefore(10), seed: 2 });
    harness.captureTraffic({
      count: 300,
      flushedAt: new Date(NOW.getTime() + 5000),
      seed: 3,
      shift: 3,
      spanMs: 1000,
    });

    const { report } = await monitorModel(harness.deps(), MODEL);

    expect(report.rows).toBe(800);
    expect(report.maxPsi).toBeLessThan(SETTINGS.driftPsiThreshold);
  });

  it('reports an empty window with rows 0 and emits no drift datapoint', async () => {
    const harness = new MonitorHarness();
    await harness.registerChampion(baseline);

    const result = await monitorModel(harness.deps(), MODEL);

    expect(result.report).toMatchObject({
      rows: 0,
      maxPsi: 0,
      features: [],
      predictions: null,
      violations: [],
    });
    expect(result.report.maxPsiFeature).toBeUndefined();
    expect(harness.metrics.points).toEqual([
      { name: 'MonitoredRows', unit: 'Count', value: 0, dimensions: { model: MODEL } },
    ]);
    expect(harness.artifacts.objects.has(`s3://monitor-test-bucket/${REPORT_KEY}`)).toBe(true);
    expect(result.alarms).toHaveLength(2);
  });

  it('reports data-quality violations of the captured inputs', async () => {
    const harness = new MonitorHarness();
    await harness.registerChampion(baseline);
    harness.captureTraffic({
      count: 2000,
      flushedAt: minutesBefore(5),
      seed: 9,
      mutate: (input, i) => {
        if (i % 4 === 0) input.x2 = null;
        if (i % 50 === 0) input.color = 'purple';
        if (i % 100 === 1) input.x1 = { nested: true };
      },
    });

    const { report } = await monitorModel(harness.deps(), MODEL);
    const found = (feature: string, type: string) =>
      report.violations.find((v) => v.feature === feature && v.constraintCheckType === type);

    const x2Absent = found('x2', 'completeness_check');
    expect(x2Absent?.count).toBeGreaterThanOrEqual(500);
    expect(found('color', 'categorical_values_check')?.count).toBe(40);
    expect(found('x1', 'data_type_check')?.count).toBe(20);
    expect(found('x1', 'completeness_check')).toBeUndefined();
    expect(report.features.find((f) => f.name === 'color')?.unseenLevels).toEqual({ purple: 40 });
  });

  it('skips a feature with no readable value: a completeness violation, not a distribution', async () => {
    const harness = new MonitorHarness();
    await harness.registerChampion(baseline);
    harness.captureTraffic({
      count: 300,
      flushedAt: minutesBefore(5),
      seed: 4,
      mutate: (input) => delete input.x2,
    });

    const { report } = await monitorModel(harness.deps(), MODEL);

    expect(report.features.map((f) => f.name)).toEqual(['x1', 'color']);
    expect(report.violations).toContainEqual(
      expect.objectContaining({ feature: 'x2', constraintCheckType: 'completeness_check', count: 300 }),
    );
  });

  it('refuses a model without a champion', async () => {
    const harness = new MonitorHarness();
    await expect(monitorModel(harness.deps(), 'nobody')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('says when the champion predates monitoring', async () => {
    const harness = new MonitorHarness();
    await harness.registerChampion(undefined);
    const random = new Random(1);
    harness.writeCapture([capturedRow(generatedInput(random), minutesBefore(2), 1)], minutesBefore(1));

    const monitoring = monitorModel(harness.deps(), MODEL);
    await expect(monitoring).rejects.toBeInstanceOf(NotFoundError);
    await expect(monitoring).rejects.toThrow(/before monitoring/);
    expect(harness.alarms.puts).toEqual([]);
  });
});
