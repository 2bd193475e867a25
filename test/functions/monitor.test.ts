/**
 * The monitor function: a Scheduled Event monitors every model with a champion, `{ "modelName" }` one
 * model (a model without a champion is a NotFoundError naming it), a ModelVersionCreated only puts the
 * model's alarms, a bad event is refused naming the field; and the monitoring env is parsed once, naming the variable at fault, into the deps the wiring
 * builds (without touching AWS).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUCKET, MODEL, MonitorHarness, NOW, trainingBaseline } from '../core/monitoring/monitor-fixture.ts';
import { lambdaContext } from './lambda-context.ts';
import { MONITORING_ENV, stubMonitoringEnv } from './lambda-env.ts';

stubMonitoringEnv();
vi.stubEnv('AWS_REGION', 'us-east-1');
const { setMonitoringDepsForTest, monitorDeps, parseMonitorEnv, monitorSettingsFromEnv } = await import(
  '../../layers/aws/monitoring-wiring.ts'
);
const { handler } = await import('../../functions/monitor.ts');
const { CloudWatchAlarms } = await import('../../layers/aws/cloudwatch-alarms.ts');
const { S3ArtifactStore } = await import('../../layers/aws/s3-artifact-store.ts');
const { DynamoRegistry } = await import('../../layers/aws/dynamo-registry.ts');
const { PowertoolsMetrics } = await import('../../layers/aws/powertools-metrics.ts');

const scheduledEvent = () => ({
  version: '0',
  id: '5b2b3e1c-4f8e-4c3b-9b0e-3a0b9d1b2c3d',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-03-10T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/synergy-test-monitor-schedule'],
  detail: {},
});

let harness: MonitorHarness;

beforeEach(async () => {
  harness = new MonitorHarness();
  setMonitoringDepsForTest({ monitor: harness.deps() });
  await harness.registerChampion(trainingBaseline(2_000));
});

afterEach(() => setMonitoringDepsForTest(undefined));

describe('monitor on demand', () => {
  it('monitors the named model: shifted traffic → report written, max PSI over the threshold, alarms put', async () => {
    harness.captureTraffic({ count: 800, flushedAt: new Date(NOW.getTime() - 60_000), seed: 7, shift: 1.5 });
    const result = await handler({ modelName: MODEL }, lambdaContext('monitor'));
    if (Array.isArray(result) || !('report' in result)) throw new Error('expected one monitor result');
    expect(result.report).toMatchObject({ model: MODEL, baselineVersion: 1, rows: 800, maxPsiFeature: 'x1' });
    expect(result.report.maxPsi).toBeGreaterThan(0.25);
    expect(result.alarms.map((alarm) => alarm.name)).toEqual([
      'synergy-test-flights-drift',
      'synergy-test-flights-accuracy',
    ]);
    const reportKey = result.report.reportUri.replace(`s3://${BUCKET}/`, '');
    expect(harness.artifacts.objects.has(`s3://${BUCKET}/${reportKey}`)).toBe(true);
    expect(harness.metrics.points).toContainEqual(
      expect.objectContaining({ name: 'MaxPSI', value: result.report.maxPsi, dimensions: { model: MODEL } }),
    );
  });

  it('refuses a model without a champion with NotFoundError naming it', async () => {
    await harness.registerChampion(trainingBaseline(500), 'unpromoted', false);
    await expect(handler({ modelName: 'unpromoted' }, lambdaContext('monitor'))).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('unpromoted'),
    });
  });

  it('refuses an event that is neither a schedule nor a model name, naming the field', async () => {
    await expect(handler({}, lambdaContext('monitor'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringMatching(/^monitor: invalid event: modelName: /),
    });
    await expect(handler({ modelName: '  ' }, lambdaContext('monitor'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'modelName' },
    });
  });
});

const versionCreated = (detail: Record<string, unknown>) => ({
  version: '0',
  id: '7c1d2e3f-0a1b-4c2d-8e3f-4a5b6c7d8e9f',
  'detail-type': 'ModelVersionCreated',
  source: 'synergy.registry',
  account: '123456789012',
  time: '2026-03-10T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

describe('monitor on ModelVersionCreated', () => {
  it("puts the model's two alarms, INSUFFICIENT_DATA, and writes no report and no metric", async () => {
    const before = harness.artifacts.objects.size;
    const result = await handler(
      versionCreated({ modelName: 'fresh', version: 1, runId: 'r1', trigger: 'upload', testAccuracy: 0.9 }),
      lambdaContext('monitor'),
    );
    expect(result).toEqual({
      model: 'fresh',
      version: 1,
      alarms: [
        expect.objectContaining({ name: 'synergy-test-fresh-drift', state: 'INSUFFICIENT_DATA' }),
        expect.objectContaining({ name: 'synergy-test-fresh-accuracy', state: 'INSUFFICIENT_DATA' }),
      ],
    });
    expect(harness.alarms.definitions.get('synergy-test-fresh-drift')).toMatchObject({
      metricName: 'MaxPSI',
      dimensions: { model: 'fresh' },
    });
    expect(harness.artifacts.objects.size).toBe(before);
    expect(harness.metrics.points).toEqual([]);
  });

  it("keeps an alarm's state when a later version puts it again", async () => {
    const event = versionCreated({ modelName: MODEL, version: 2 });
    await handler(event, lambdaContext('monitor'));
    harness.alarms.setState('synergy-test-flights-drift', 'ALARM', 'Threshold Crossed');
    const result = await handler(versionCreated({ modelName: MODEL, version: 3 }), lambdaContext('monitor'));
    expect(result).toMatchObject({ alarms: [{ state: 'ALARM' }, { state: 'INSUFFICIENT_DATA' }] });
    expect(harness.alarms.puts).toHaveLength(4);
  });

  it('refuses a ModelVersionCreated without a model name, naming the field', async () => {
    await expect(handler(versionCreated({ version: 2 }), lambdaContext('monitor'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'detail.modelName' },
    });
    expect(harness.alarms.puts).toEqual([]);
  });
});

describe('monitor on schedule', () => {
  it('monitors every model with a champion and returns one result each', async () => {
    await harness.registerChampion(trainingBaseline(500, 3), 'loans');
    await harness.registerChampion(trainingBaseline(500, 4), 'unpromoted', false);
    harness.captureTraffic({ count: 300, flushedAt: new Date(NOW.getTime() - 60_000), seed: 8 });
    const results = await handler(scheduledEvent(), lambdaContext('monitor'));
    if (!Array.isArray(results)) throw new Error('expected one result per model');
    expect(results.map((result) => [result.report.model, result.report.rows]).sort()).toEqual([
      [MODEL, 300],
      ['loans', 0],
    ]);
  });

  it('refuses a scheduled event without its time, naming the field', async () => {
    const { time: _, ...event } = scheduledEvent();
    await expect(handler(event, lambdaContext('monitor'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'time' },
    });
  });
});

describe('the monitoring env', () => {
  const source = {
    ...MONITORING_ENV,
    POWERTOOLS_METRICS_NAMESPACE: 'Synergy',
    POWERTOOLS_SERVICE_NAME: 'synergy',
  };

  it('becomes the monitor settings', () => {
    expect(monitorSettingsFromEnv(source)).toEqual({
      windowSeconds: 3600,
      alarmPrefix: 'synergy-test-',
      driftPsiThreshold: 0.25,
      accuracyFloor: 0.7,
      alarmPeriodSeconds: 3600,
      namespace: 'Synergy',
      service: 'synergy',
    });
  });

  it.each([
    ['DRIFT_PSI_THRESHOLD', 'high', 'must be a number > 0'],
    ['ACCURACY_FLOOR', '70', 'must be a number from 0 to 1'],
    ['ALARM_PERIOD_SECONDS', '90', 'must be 10, 30 or a multiple of 60 (seconds)'],
    ['MONITOR_WINDOW_SECONDS', '', 'must be an integer ≥ 1'],
    ['ALARM_PREFIX', ' ', 'must not be empty'],
  ])('names %s when it is %j', (variable, value, rule) => {
    expect(() => monitorSettingsFromEnv({ ...source, [variable]: value })).toThrow(
      expect.objectContaining({
        name: 'EnvConfigError',
        message: `Environment variable ${variable} ${rule}`,
        context: expect.objectContaining({ variable }),
      }),
    );
  });

  it('names a variable that is not set', () => {
    const { ACCURACY_FLOOR: _, ...missing } = source;
    expect(() => monitorSettingsFromEnv(missing)).toThrow('Environment variable ACCURACY_FLOOR is not set');
  });

  it('is wired into AWS-backed ports once per container, without calling AWS', async () => {
    setMonitoringDepsForTest(undefined);
    const env = parseMonitorEnv({
      ...source,
      DATA_BUCKET: 'synergy-test-us-east-1-data',
      REGISTRY_TABLE: 'synergy-test-registry',
    });
    const deps = await monitorDeps(env);
    expect(deps.artifacts).toBeInstanceOf(S3ArtifactStore);
    expect(deps.registry).toBeInstanceOf(DynamoRegistry);
    expect(deps.alarms).toBeInstanceOf(CloudWatchAlarms);
    expect(deps.metrics).toBeInstanceOf(PowertoolsMetrics);
    expect(deps.bucket).toBe('synergy-test-us-east-1-data');
    expect(deps.settings).toEqual(monitorSettingsFromEnv(source));
    expect(await monitorDeps(env)).toBe(deps);
  });
});
