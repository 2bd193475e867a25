/**
 * The demo's own embedded stack: started in-process (the demo drives its monitor function, waits for its
 * executions and sets stage parameters, which a running `synergy dev` cannot offer), on free ports and in
 * a state directory of its own, so it runs beside any `synergy dev` without touching its state. The
 * directory is emptied first: every demo tells the story from the beginning (a model with history, or an
 * alarm already in ALARM, would change it).
 */
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudWatchMetricHistory } from '../../layers/aws/cloudwatch-metric-history.ts';
import type {
  Alarms,
  ApiKeys,
  ArtifactStore,
  Experiments,
  Registry,
  RegistryEvents,
} from '../../layers/core/ports.ts';
import type { MetricHistory } from '../../layers/core/reports/model-page/metric-history.ts';
import { readEndpoints } from '../../local/endpoints.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startLocalStack } from '../../local/stack.ts';
import { UsageError } from '../errors.ts';
import { destroyClients, missingService, portsFor } from '../stack/session.ts';

/** Written into the state directory, so the demo only ever empties a directory it made. */
const MARKER = '.synergy-demo-stack';

export interface DemoStack {
  readonly stack: LocalStack;
  readonly stateDir: string;
  readonly bucket: string;
  /** The HTTP API's base URL. */
  readonly api: string;
  readonly artifacts: ArtifactStore;
  readonly experiments: Experiments;
  readonly registry: Registry;
  readonly apiKeys: ApiKeys;
  readonly alarms: Alarms;
  readonly registryEvents: RegistryEvents;
  /** CloudWatch metric history (the model page's charts). */
  readonly metricHistory: MetricHistory;
  close(): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/** Empties `stateDir` when the demo made it; refuses a directory it did not make or a demo still running. */
export async function freshStateDir(stateDir: string): Promise<void> {
  if (await exists(stateDir)) {
    if (!(await exists(join(stateDir, MARKER)))) {
      throw new UsageError(
        `${stateDir} exists and was not made by the demo: remove it or give the demo another --dir`,
      );
    }
    const running = await readEndpoints(stateDir);
    if (running !== undefined && (await answers(running.dynamodb))) {
      throw new UsageError(
        `a demo is already running in ${stateDir}: wait for it or give this one another --dir`,
      );
    }
    await rm(stateDir, { recursive: true, force: true });
  }
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, MARKER), 'State of the last `synergy demo`; emptied by the next one.\n');
}

export async function startDemoStack(options: {
  readonly root: string;
  readonly stateDir: string;
  readonly params: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}): Promise<DemoStack> {
  const stack = await startLocalStack({
    root: options.root,
    stateDir: options.stateDir,
    params: options.params,
    log: options.log,
  });
  try {
    const { endpoints, config } = stack;
    if (endpoints.http === null)
      throw new Error('serverless.yml defines no HTTP API: nothing to predict with');
    const { http, ...services } = endpoints;
    const ports = portsFor({ ...services, api: http }, config);
    const cloudwatch = ports.cloudwatch ?? missingService('CloudWatch');
    return {
      stack,
      stateDir: options.stateDir,
      bucket: endpoints.bucket,
      api: http,
      artifacts: ports.artifacts,
      experiments: ports.experiments,
      registry: ports.registry,
      apiKeys: ports.apiKeys,
      alarms: ports.alarms,
      registryEvents: ports.registryEvents,
      metricHistory: new CloudWatchMetricHistory(cloudwatch),
      close: async () => {
        destroyClients(ports);
        await stack.stop();
      },
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
