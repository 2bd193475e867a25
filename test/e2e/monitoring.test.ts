/**
 * The monitoring loop end to end on the embedded stack, with the real serverless.yml: a model trained by
 * the pipeline and served over HTTP; captured traffic compared with its baseline by the real monitor
 * function; EMF metrics ingested by the CloudWatch stand-in, whose alarm state change goes through the
 * EventBridge stand-in to the real retrain function; ground-truth feedback through the S3 trigger; a
 * schedule tick on the simulated clock; promotion, rollback, and a failed retraining.
 *
 * The stand-ins' clock is a SimulatedClock: the handlers stamp their metrics with real time, so the tests
 * that need an alarm to see fresh datapoints run before the ones that move the clock forward.
 */

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runMonitor } from '../../bin/commands/monitor.ts';
import { runPromote } from '../../bin/commands/promote.ts';
import { runRollback } from '../../bin/commands/rollback.ts';
import { followRun } from '../../bin/stack/follow-run.ts';
import { CloudWatchAlarms } from '../../layers/aws/cloudwatch-alarms.ts';
import { createDocumentClient } from '../../layers/aws/document-client.ts';
import { DynamoApiKeys } from '../../layers/aws/dynamo-api-keys.ts';
import { createApiKey } from '../../layers/core/auth/create-api-key.ts';
import { generateScheduleAdherenceCsv } from '../../layers/core/demo/schedule-adherence.ts';
import { driftReportsPrefix } from '../../layers/core/monitoring/monitoring-keys.ts';
import type { MonitorResult } from '../../layers/core/monitoring/types.ts';
import type { RunRecord, RunTrigger } from '../../layers/core/pipeline/records.ts';
import type { AlarmStateValue } from '../../layers/core/ports.ts';
import { SimulatedClock } from '../../local/clock.ts';
import { tableName } from '../../local/config/stack-config.ts';
import { type Harness, ROOT, SMALL_CONFIG, startHarness } from './stack-harness.ts';

const MODEL = 'drifty';
const DRIFT_ALARM = `synergy-local-${MODEL}-drift`;
const ACCURACY_ALARM = `synergy-local-${MODEL}-accuracy`;
/** SERVING_ALIAS_TTL_SECONDS in serverless.yml. */
const ALIAS_TTL_MS = 5_000;
const HOUR = 3_600_000;

/** Every request captured, the monitor never on its own, a retraining tick every two hours. */
const PARAMS = {
  captureSampleRate: '1',
  monitorSchedule: 'rate(30 days)',
  retrainSchedule: 'rate(2 hours)',
};

type Row = Record<string, string | number | null>;

let h: Harness;
let clock: SimulatedClock;
let base: string;
let key: string;
let alarms: CloudWatchAlarms;
let cloudwatch: CloudWatchClient;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The generator's rows as request records (the target left out). */
function rowsOf(csv: string): Row[] {
  const [header, ...lines] = csv.trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const row: Row = {};
    names.forEach((name, j) => {
      if (name === 'on_time') return;
      const numeric = Number(cells[j]);
      row[name] = cells[j] === '' ? null : Number.isFinite(numeric) ? numeric : cells[j];
    });
    return row;
  });
}

/** Longer activities, more weather, bigger crews, all on the coast: far from the training data. */
function shifted(row: Row): Row {
  const scale = (value: Row[string], by: number) => (typeof value === 'number' ? value * by : value);
  return {
    ...row,
    region: 'coastal',
    planned_duration_days: scale(row.planned_duration_days, 5),
    weather_days: typeof row.weather_days === 'number' ? row.weather_days + 12 : row.weather_days,
    crew_size: scale(row.crew_size, 3),
  };
}

interface Prediction {
  readonly status: number;
  readonly version: number;
  readonly predictions: unknown[];
}

async function predict(rows: readonly Row[]): Promise<Prediction> {
  const response = await fetch(`${base}/models/${MODEL}/predict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rows }),
  });
  const json = (await response.json()) as { version: number; predictions: unknown[] };
  return {
    status: response.status,
    version: json.version,
    predictions: json.predictions,
  };
}

/** Sends the rows in requests of 50 and waits until the capture holds at least `atLeast` objects. */
async function sendTraffic(rows: readonly Row[], atLeast: number): Promise<void> {
  for (let at = 0; at < rows.length; at += 50) {
    const answer = await predict(rows.slice(at, at + 50));
    expect(answer.status).toBe(200);
  }
  await waitFor(
    'capture objects',
    async () => ((await captureKeys()).length >= atLeast ? true : undefined),
    30_000,
  );
}

async function captureKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of h.artifacts.list(h.bucket, `capture/${MODEL}/`)) keys.push(object.ref.key);
  return keys.sort();
}

async function alarmState(name: string): Promise<AlarmStateValue | undefined> {
  const [status] = await alarms.describe([name]);
  return status?.state;
}

async function waitForAlarm(name: string, state: AlarmStateValue): Promise<void> {
  await waitFor(
    `${name} in ${state}`,
    async () => ((await alarmState(name)) === state ? true : undefined),
    30_000,
  );
}

async function runsOf(kind: RunTrigger['kind']): Promise<RunRecord[]> {
  const runs = await h.experiments.listRuns({ modelName: MODEL, limit: 100 });
  return runs.filter((run) => run.trigger.kind === kind);
}

/** Waits for the `count`-th run of this kind to start, then for it to end. */
async function nextRun(kind: RunTrigger['kind'], count: number): Promise<RunRecord> {
  const runs = await waitFor(
    `run ${count} with trigger ${kind}`,
    async () => {
      const found = await runsOf(kind);
      return found.length >= count ? found : undefined;
    },
    60_000,
  );
  return followRun(h.experiments, runs[0].runId, () => {}, { pollMs: 100 });
}

async function monitor(): Promise<MonitorResult> {
  const result = (await h.stack.invoker.invoke('monitor', { modelName: MODEL })) as MonitorResult;
  // The handler's EMF lines reach the CloudWatch stand-in with its output.
  await h.stack.settled();
  return result;
}

beforeAll(async () => {
  clock = new SimulatedClock();
  h = await startHarness(undefined, { clock, params: PARAMS });
  if (h.stack.endpoints.http === null) throw new Error('the stack serves no HTTP API');
  base = h.stack.endpoints.http;
  const doc = createDocumentClient(h.stack.clients.dynamodb);
  const apiKeys = new DynamoApiKeys(doc, tableName(h.stack.config, 'ApiKeysTable'));
  key = (await createApiKey({ apiKeys, clock: { now: () => new Date() } }, { name: 'e2e', actor: 'test' }))
    .key;
  cloudwatch = new CloudWatchClient({
    endpoint: h.stack.endpoints.cloudwatch,
    region: h.stack.endpoints.region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  alarms = new CloudWatchAlarms(cloudwatch);
  await h.upload(`incoming/${MODEL}/_config.json`, JSON.stringify(SMALL_CONFIG));
  const first = await h.runUpload(MODEL, 'a.csv', generateScheduleAdherenceCsv({ rows: 400, seed: 1 }), {
    target: 'on_time',
  });
  expect(first.status).toBe('SUCCEEDED');
  expect((await h.registry.getAlias(MODEL, 'champion'))?.version).toBe(1);
  // The version's baseline sits next to its model, in SageMaker Model Monitor's formats.
  for (const file of ['statistics.json', 'constraints.json']) {
    expect(await h.artifacts.head({ bucket: h.bucket, key: `models/${MODEL}/1/${file}` })).toBeDefined();
  }
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  cloudwatch?.destroy();
  clock?.close();
  await h?.close();
});

describe('alarms', () => {
  it("exist from the model's first version, before any monitor run (ModelVersionCreated → monitor)", async () => {
    for (const name of [DRIFT_ALARM, ACCURACY_ALARM]) {
      await waitFor(
        `${name} put`,
        async () => ((await alarmState(name)) === undefined ? undefined : true),
        30_000,
      );
    }
    // Only the alarms: no monitor run has written a drift report yet.
    const reports = [];
    for await (const object of h.artifacts.list(h.bucket, driftReportsPrefix(MODEL))) reports.push(object);
    expect(reports).toEqual([]);
  }, 60_000);
});

describe('drift', () => {
  it('in-distribution traffic: max PSI stays low and the drift alarm is OK', async () => {
    await sendTraffic(rowsOf(generateScheduleAdherenceCsv({ rows: 1000, seed: 7 })), 1);
    const { report, alarms: states } = await monitor();
    expect(report.rows).toBeGreaterThanOrEqual(1000);
    expect(report.baselineVersion).toBe(1);
    expect(report.maxPsi).toBeLessThan(0.25);
    expect(states.map((alarm) => alarm.name).sort()).toEqual([ACCURACY_ALARM, DRIFT_ALARM]);
    await waitForAlarm(DRIFT_ALARM, 'OK');
  }, 120_000);

  it('shifted traffic: max PSI > 0.25 → drift alarm ALARM → one retraining run with reason drift', async () => {
    const captured = (await captureKeys()).length;
    await sendTraffic(
      rowsOf(generateScheduleAdherenceCsv({ rows: 3000, seed: 8 })).map(shifted),
      captured + 3,
    );
    const { report } = await monitor();
    expect(report.maxPsi).toBeGreaterThan(0.25);
    expect(['planned_duration_days', 'weather_days', 'crew_size', 'region']).toContain(report.maxPsiFeature);
    const stored = await h.artifacts.readJson({
      bucket: h.bucket,
      key: report.reportUri.replace(`s3://${h.bucket}/`, ''),
    });
    expect(stored).toMatchObject({ model: MODEL, maxPsi: report.maxPsi });

    await waitForAlarm(DRIFT_ALARM, 'ALARM');
    const run = await nextRun('drift', 1);
    expect(run.status).toBe('SUCCEEDED');
    expect(
      await h.artifacts.head({ bucket: h.bucket, key: `reports/${run.runId}/index.html` }),
    ).toBeDefined();
    const version = await h.registry.getVersion(MODEL, run.result?.modelVersion ?? -1);
    expect(version?.lineage).toMatchObject({ trigger: 'drift', runId: run.runId });
    expect(version?.lineage.reason).toMatch(/drift/);
    const events = h.stack.eventBridge.recent();
    expect(events).toContainEqual(
      expect.objectContaining({
        source: 'synergy.registry',
        'detail-type': 'ModelVersionCreated',
        detail: expect.objectContaining({ modelName: MODEL, version: version?.version }),
      }),
    );
  }, 300_000);

  it('the same alarm transition delivered again, or the alarm staying in ALARM, retrains nothing more', async () => {
    const transition = h.stack.eventBridge
      .recent()
      .find(
        (event) =>
          event.source === 'aws.cloudwatch' &&
          (event.detail as { alarmName?: string }).alarmName === DRIFT_ALARM,
      );
    expect(transition).toBeDefined();
    if (transition === undefined) return;
    h.stack.eventBridge.publish(transition);
    await monitor(); // still drifted: the alarm stays in ALARM, no new transition
    await h.stack.settled();
    expect(await runsOf('drift')).toHaveLength(1);
    expect(await alarmState(DRIFT_ALARM)).toBe('ALARM');
  }, 120_000);
});

describe('synergy monitor', () => {
  it('--json prints the model, the max PSI, every feature and each alarm with its state', async () => {
    vi.stubEnv('SYNERGY_STATE_DIR', h.stateDir);
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await runMonitor([MODEL, '--json'], ROOT)).toBe(0);
    } finally {
      write.mockRestore();
    }
    const printed = JSON.parse(out.join('')) as {
      model: string;
      maxPsi: number;
      features: { name: string; psi: number; ks: number | null; linf: number; js: number }[];
      alarms: { name: string; state: string }[];
    };
    expect(printed.model).toBe(MODEL);
    expect(printed.maxPsi).toBeGreaterThan(0.25);
    const names = printed.features.map((feature) => feature.name);
    expect(names).toEqual(expect.arrayContaining(['planned_duration_days', 'region', 'crew_size']));
    for (const feature of printed.features) {
      expect(feature.psi).toBeGreaterThanOrEqual(0);
      expect(feature.linf).toBeGreaterThanOrEqual(0);
      expect(feature.js).toBeGreaterThanOrEqual(0);
    }
    expect(printed.features.find((feature) => feature.name === 'region')?.ks).toBeNull();
    expect(printed.alarms).toEqual(
      expect.arrayContaining([
        { name: DRIFT_ALARM, state: 'ALARM' },
        { name: ACCURACY_ALARM, state: expect.any(String) },
      ]),
    );
    // Still drifted: the alarm stayed in ALARM, so the CLI's metrics started no second drift run.
    await h.stack.settled();
    expect(await runsOf('drift')).toHaveLength(1);
  }, 120_000);
});

describe('ground truth', () => {
  it('feedback with poor accuracy → accuracy alarm → retraining with reason accuracy, on the labelled rows too', async () => {
    // The latest captured rows, each answered with the label the model did not predict.
    const [latest] = (await captureKeys()).reverse();
    const lines = new TextDecoder()
      .decode(await h.artifacts.readBytes({ bucket: h.bucket, key: latest }))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { requestId: string; row: number; prediction: string });
    const flip = (label: string) => (label === 'yes' ? 'no' : 'yes');
    const feedback = [
      'request_id,row,on_time',
      ...lines.slice(0, 200).map((line) => `${line.requestId},${line.row},${flip(line.prediction)}`),
    ].join('\n');
    await h.upload(`feedback/${MODEL}/day1.csv`, feedback);

    await waitForAlarm(ACCURACY_ALARM, 'ALARM');
    const run = await nextRun('accuracy', 1);
    expect(run.status).toBe('SUCCEEDED');
    // The retraining trained on the latest upload plus the 200 labelled feedback rows.
    expect(run.dataset?.rows).toBe(400 + 200);
    const labelled = [];
    for await (const object of h.artifacts.list(h.bucket, `monitoring/${MODEL}/labelled/`))
      labelled.push(object);
    expect(labelled).toHaveLength(1);
  }, 300_000);
});

describe('promotion and rollback', () => {
  it('synergy promote moves the champion; synergy rollback restores the previous one and the endpoint serves it', async () => {
    vi.stubEnv('SYNERGY_STATE_DIR', h.stateDir);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const before = (await h.registry.getAlias(MODEL, 'champion'))?.version;
      const [latest] = await h.registry.listVersions(MODEL, { limit: 1 });
      const target = latest.version === before ? 1 : latest.version;
      expect(await runPromote([MODEL, String(target)], ROOT)).toBe(0);
      expect((await h.registry.getAlias(MODEL, 'champion'))?.version).toBe(target);
      expect(await runRollback([MODEL], ROOT)).toBe(0);
      expect((await h.registry.getAlias(MODEL, 'champion'))?.version).toBe(before);

      const audit = await h.registry.listAudit(MODEL);
      const moves = audit.filter((entry) => entry.action === 'AliasMoved' && entry.actor === 'synergy-cli');
      expect(moves.map((entry) => [entry.fromVersion, entry.version])).toEqual([
        [before, target],
        [target, before],
      ]);
      await sleep(ALIAS_TTL_MS + 500);
      const answer = await predict(rowsOf(generateScheduleAdherenceCsv({ rows: 3, seed: 9 })));
      expect(answer.status).toBe(200);
      expect(answer.version).toBe(before);
    } finally {
      write.mockRestore();
    }
  }, 120_000);
});

describe('schedule', () => {
  it('a schedule tick starts a retraining run with reason schedule', async () => {
    await clock.advance(2 * HOUR + 60_000);
    const run = await nextRun('schedule', 1);
    expect(run.status).toBe('SUCCEEDED');
    const version = await h.registry.getVersion(MODEL, run.result?.modelVersion ?? -1);
    expect(version?.lineage.trigger).toBe('schedule');
  }, 300_000);

  it('a retraining that fails leaves the champion serving', async () => {
    const champion = await h.registry.getAlias(MODEL, 'champion');
    const versions = await h.registry.listVersions(MODEL);
    const fault = h.stack.faults?.add({
      functionKey: 'train',
      times: 10_000,
      when: (event) => JSON.stringify(event).includes('"kind":"cv"'),
      error: { name: 'CellCrashed', message: 'injected: every cell fails' },
    });
    try {
      await clock.advance(2 * HOUR);
      const run = await nextRun('schedule', 2);
      expect(run.status).toBe('FAILED');
      // A failed run has its report too (written by RecordFailure).
      const report = await waitFor(
        'the failed run’s report',
        () => h.artifacts.head({ bucket: h.bucket, key: `reports/${run.runId}/index.html` }),
        30_000,
      );
      expect(report.size).toBeGreaterThan(0);
    } finally {
      fault?.remove();
    }
    expect(await h.registry.getAlias(MODEL, 'champion')).toEqual(champion);
    expect(await h.registry.listVersions(MODEL)).toEqual(versions);
    const answer = await predict(rowsOf(generateScheduleAdherenceCsv({ rows: 3, seed: 10 })));
    expect(answer.status).toBe(200);
    expect(answer.version).toBe(champion?.version);
  }, 300_000);
});
