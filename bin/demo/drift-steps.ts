/**
 * Steps 4 and 5: traffic like the training data, then drifted traffic, each followed by the real monitor
 * function (captured rows against the champion's training baseline); the drift alarm it keeps goes from
 * OK to ALARM, read with DescribeAlarms.
 */
import type { AlarmStateValue, AlarmStatus } from '../../layers/core/ports.ts';
import { table } from '../format/table.ts';
import type { ServingContext } from './context.ts';
import { DEMO_MODEL, DEMO_TARGET, TRAFFIC } from './demo-settings.ts';
import { DemoTimeoutError } from './errors.ts';
import { invokeMonitor, type MonitorAnswer, topFeatures } from './monitor-call.ts';
import { drifted, requestRows, sendTraffic, type TrafficSent } from './traffic.ts';
import { waitFor } from './wait.ts';

export interface MonitoredPhase {
  readonly traffic: TrafficSent;
  readonly monitor: MonitorAnswer;
  /** The drift alarm after the monitor's metrics arrived. */
  readonly driftAlarm: AlarmStatus;
  /** Seconds from the monitor's answer to the alarm's state. */
  readonly alarmSeconds: number;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

async function captureObjects(context: ServingContext): Promise<number> {
  let count = 0;
  for await (const _ of context.demo.artifacts.list(context.demo.bucket, `capture/${DEMO_MODEL}/`)) count++;
  return count;
}

/**
 * The endpoint writes captured rows in batches: waits for the `batches` this traffic completes. Sequential
 * requests reach the same warm sandbox, so its batches fill; if they did not (rows spread over sandboxes
 * wait for the next request after CAPTURE_BATCH_SECONDS), the monitor reads what is there, and says how
 * many rows that was.
 */
async function waitForCapture(context: ServingContext, before: number, batches: number): Promise<void> {
  try {
    await waitFor(
      `${batches} capture batch(es) under s3://${context.demo.bucket}/capture/${DEMO_MODEL}/`,
      async () => ((await captureObjects(context)) >= before + batches ? true : undefined),
      { timeoutMs: 15_000 },
    );
  } catch (error) {
    if (!(error instanceof DemoTimeoutError)) throw error;
    context.narrator.log(`demo: ${error.message}; monitoring the rows captured so far`);
  }
}

async function waitForAlarmState(
  context: ServingContext,
  name: string,
  state: AlarmStateValue,
): Promise<AlarmStatus> {
  return waitFor(
    `alarm ${name} in ${state}`,
    async () => {
      const [status] = await context.demo.alarms.describe([name]);
      return status?.state === state ? status : undefined;
    },
    { timeoutMs: 30_000, hint: 'the monitor emits MaxPSI as an EMF line the CloudWatch stand-in ingests' },
  );
}

function driftAlarmName(answer: MonitorAnswer): string {
  const alarm = answer.alarms.find((candidate) => candidate.name.endsWith('-drift'));
  if (alarm === undefined)
    throw new Error(
      `the monitor put no drift alarm (alarms: ${answer.alarms.map((a) => a.name).join(', ')})`,
    );
  return alarm.name;
}

function describeTraffic(what: string, sent: TrafficSent): string {
  const labels = Object.entries(sent.labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, share]) => `${label} ${percent(share)}`)
    .join(', ');
  return `${what}: ${sent.rows.toLocaleString('en-US')} rows in ${sent.requests} requests (${sent.seconds.toFixed(1)} s), served by v${sent.versions.join(', v')}; predicted ${labels}`;
}

async function monitorAndAlarm(
  context: ServingContext,
  traffic: TrafficSent,
  expected: AlarmStateValue,
): Promise<MonitoredPhase> {
  const { narrator, demo } = context;
  const monitor = await invokeMonitor(demo.stack, DEMO_MODEL);
  const answeredAt = performance.now();
  const { report } = monitor;
  narrator.say(
    `Monitor (the monitor function, invoked as its schedule would): ${report.rows.toLocaleString('en-US')} captured rows vs v${report.baselineVersion}'s training baseline`,
  );
  const threshold = demo.stack.config.functions.monitor?.environment.DRIFT_PSI_THRESHOLD ?? '?';
  narrator.say(
    `  max PSI ${report.maxPsi.toFixed(3)}${report.maxPsiFeature ? ` (${report.maxPsiFeature})` : ''}; the drift alarm fires above ${threshold}`,
  );
  const name = driftAlarmName(monitor);
  const driftAlarm = await waitForAlarmState(context, name, expected);
  const alarmSeconds = (performance.now() - answeredAt) / 1000;
  return { traffic, monitor, driftAlarm, alarmSeconds };
}

export async function normalTrafficStep(context: ServingContext): Promise<MonitoredPhase> {
  const { narrator } = context;
  const before = await captureObjects(context);
  const rows = requestRows({ rows: TRAFFIC.normalRows, seed: TRAFFIC.normalSeed, target: DEMO_TARGET });
  const traffic = await sendTraffic(context.endpoint, DEMO_MODEL, rows, TRAFFIC.rowsPerRequest);
  narrator.say(describeTraffic('Traffic like the training data', traffic));
  await waitForCapture(context, before, Math.floor(TRAFFIC.normalRows / 1000));
  const phase = await monitorAndAlarm(context, traffic, 'OK');
  narrator.say(`Alarm ${phase.driftAlarm.name}: ${phase.driftAlarm.state}`);
  return phase;
}

export async function driftedTrafficStep(context: ServingContext): Promise<MonitoredPhase> {
  const { narrator } = context;
  const before = await captureObjects(context);
  const rows = requestRows({ rows: TRAFFIC.driftedRows, seed: TRAFFIC.driftedSeed, target: DEMO_TARGET }).map(
    drifted,
  );
  const traffic = await sendTraffic(context.endpoint, DEMO_MODEL, rows, TRAFFIC.rowsPerRequest);
  narrator.say(
    describeTraffic(
      'Drifted traffic (planned durations ×3, 10 more weather days, every site coastal)',
      traffic,
    ),
  );
  await waitForCapture(context, before, Math.floor(TRAFFIC.driftedRows / 1000));
  const phase = await monitorAndAlarm(context, traffic, 'ALARM');
  narrator.say();
  const top = topFeatures(phase.monitor, 4).map((feature) => [
    feature.name,
    feature.kind,
    feature.psi.toFixed(3),
    feature.ks === null ? '—' : feature.ks.toFixed(3),
  ]);
  for (const line of table(['Top feature', 'Kind', 'PSI', 'KS'], top)) narrator.say(line);
  narrator.say();
  narrator.say(
    `Alarm ${phase.driftAlarm.name}: ${phase.driftAlarm.state} ${phase.alarmSeconds.toFixed(1)} s after the monitor answered`,
  );
  narrator.say(`  ${phase.driftAlarm.reason}`);
  return phase;
}
