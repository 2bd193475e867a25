/**
 * Builds the ports of the monitor and feedback functions from their validated env, once per container, and
 * parses retrain's (whose ports are the pipeline's, from wiring.ts). The env is parsed at cold start (a bad
 * threshold fails there, naming its variable); the SDK clients are made on the first invocation, importing
 * the SDK then (sdk.ts), with their endpoints from the standard AWS_ENDPOINT_URL_* variables as in
 * wiring.ts. Metrics leave as EMF through Powertools, whose namespace and `service` dimension the alarms
 * name, so both are read from the same variables.
 */
import type { FeedbackDeps } from '../core/monitoring/feedback.ts';
import type { MonitorDeps } from '../core/monitoring/monitor-model.ts';
import { checkMonitorSettings, type MonitorSettings } from '../core/monitoring/monitor-settings.ts';
import type { Clock } from '../core/ports.ts';
import { CloudWatchAlarms } from './cloudwatch-alarms.ts';
import { DynamoRegistry } from './dynamo-registry.ts';
import { type FunctionEnv, parseEnv } from './lambda/env.ts';
import { metrics as powertoolsMetrics } from './lambda/observability.ts';
import { PowertoolsMetrics } from './powertools-metrics.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';
import { cloudWatchSdk, connectDocumentClient, s3Sdk, usesCustomS3Endpoint } from './sdk.ts';

/** The variables the monitor's settings come from (the monitor and feedback functions are given them). */
const SETTINGS_VARIABLES = [
  'MONITOR_WINDOW_SECONDS',
  'ALARM_PREFIX',
  'DRIFT_PSI_THRESHOLD',
  'ACCURACY_FLOOR',
  'ALARM_PERIOD_SECONDS',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_SERVICE_NAME',
] as const;

/** MonitorSettings from a function's environment; EnvConfigError naming the first bad variable. */
export function monitorSettingsFromEnv(
  source: Readonly<Record<string, string | undefined>> = process.env,
): MonitorSettings {
  const env = parseEnv(SETTINGS_VARIABLES, source);
  return checkMonitorSettings({
    windowSeconds: env.MONITOR_WINDOW_SECONDS,
    alarmPrefix: env.ALARM_PREFIX,
    driftPsiThreshold: env.DRIFT_PSI_THRESHOLD,
    accuracyFloor: env.ACCURACY_FLOOR,
    alarmPeriodSeconds: env.ALARM_PERIOD_SECONDS,
    namespace: env.POWERTOOLS_METRICS_NAMESPACE,
    service: env.POWERTOOLS_SERVICE_NAME,
  });
}

export type MonitorEnv = FunctionEnv<'DATA_BUCKET' | 'REGISTRY_TABLE'> & {
  readonly settings: MonitorSettings;
};
export type FeedbackEnv = MonitorEnv & FunctionEnv<'FEEDBACK_LOOKBACK_DAYS'>;
/** retrain's ports are the pipeline's (runs, registry, state machine), built by wiring.ts from this env. */
export type RetrainEnv = FunctionEnv<
  'RUNS_TABLE' | 'REGISTRY_TABLE' | 'TRAINING_STATE_MACHINE_ARN' | 'ALARM_PREFIX'
>;

type Source = Readonly<Record<string, string | undefined>>;

export function parseMonitorEnv(source: Source = process.env): MonitorEnv {
  return { ...parseEnv(['DATA_BUCKET', 'REGISTRY_TABLE'], source), settings: monitorSettingsFromEnv(source) };
}

export function parseFeedbackEnv(source: Source = process.env): FeedbackEnv {
  return { ...parseMonitorEnv(source), ...parseEnv(['FEEDBACK_LOOKBACK_DAYS'], source) };
}

export function parseRetrainEnv(source: Source = process.env): RetrainEnv {
  return parseEnv(['RUNS_TABLE', 'REGISTRY_TABLE', 'TRAINING_STATE_MACHINE_ARN', 'ALARM_PREFIX'], source);
}

const systemClock: Clock = { now: () => new Date() };

async function buildMonitorDeps(env: MonitorEnv): Promise<MonitorDeps> {
  const [{ S3Client }, { CloudWatchClient }, documents] = await Promise.all([
    s3Sdk(),
    cloudWatchSdk(),
    connectDocumentClient(),
  ]);
  return {
    artifacts: new S3ArtifactStore(new S3Client({ forcePathStyle: usesCustomS3Endpoint(process.env) })),
    registry: new DynamoRegistry(documents, env.REGISTRY_TABLE),
    metrics: new PowertoolsMetrics(powertoolsMetrics),
    alarms: new CloudWatchAlarms(new CloudWatchClient({})),
    clock: systemClock,
    bucket: env.DATA_BUCKET,
    settings: env.settings,
  };
}

/** Ports built on first use and kept for the container; a failed build (the SDK failed to load) is not. */
function oncePerEnv<E extends object, D>(build: (env: E) => Promise<D>): (env: E) => Promise<D> {
  const built = new WeakMap<E, Promise<D>>();
  return (env) => {
    let deps = built.get(env);
    if (deps === undefined) {
      deps = build(env);
      built.set(env, deps);
      deps.catch(() => built.delete(env));
    }
    return deps;
  };
}

const builtMonitorDeps = oncePerEnv(buildMonitorDeps);
const builtFeedbackDeps = oncePerEnv(
  async (env: FeedbackEnv): Promise<FeedbackDeps> => ({
    ...(await buildMonitorDeps(env)),
    lookbackDays: env.FEEDBACK_LOOKBACK_DAYS,
  }),
);

interface MonitoringDepsForTest {
  readonly monitor?: MonitorDeps;
  readonly feedback?: FeedbackDeps;
}

let depsForTest: MonitoringDepsForTest | undefined;

/** The monitor function's ports: built on the first call, the same for a warm container. */
export function monitorDeps(env: MonitorEnv): Promise<MonitorDeps> {
  const injected = depsForTest?.monitor;
  return injected === undefined ? builtMonitorDeps(env) : Promise.resolve(injected);
}

/** The feedback function's ports: built on the first call, the same for a warm container. */
export function feedbackDeps(env: FeedbackEnv): Promise<FeedbackDeps> {
  const injected = depsForTest?.feedback;
  return injected === undefined ? builtFeedbackDeps(env) : Promise.resolve(injected);
}

/** Test seam: the functions get these ports instead of AWS-backed ones until reset with undefined. */
export function setMonitoringDepsForTest(deps: MonitoringDepsForTest | undefined): void {
  depsForTest = deps;
}
