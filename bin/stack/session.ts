import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudWatchAlarms } from '../../layers/aws/cloudwatch-alarms.ts';
import { createDocumentClient } from '../../layers/aws/document-client.ts';
import { DynamoApiKeys } from '../../layers/aws/dynamo-api-keys.ts';
import { DynamoExperiments } from '../../layers/aws/dynamo-experiments.ts';
import { DynamoRegistry } from '../../layers/aws/dynamo-registry.ts';
import { EventBridgeRegistryEvents } from '../../layers/aws/eventbridge-events.ts';
import { S3ArtifactStore } from '../../layers/aws/s3-artifact-store.ts';
import type {
  Alarms,
  ApiKeys,
  ArtifactStore,
  Experiments,
  Registry,
  RegistryEvents,
} from '../../layers/core/ports.ts';
import type { StackConfig } from '../../local/config/stack-config.ts';
import { loadStackConfig, tableName } from '../../local/config/stack-config.ts';
import type { LocalEndpoints } from '../../local/endpoints.ts';
import { readEndpoints } from '../../local/endpoints.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startLocalStack } from '../../local/stack.ts';

/** A connection to the embedded stack: the one `synergy dev` runs, or one started for this command. */
export interface StackSession {
  readonly endpoints: LocalEndpoints;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly artifacts: ArtifactStore;
  readonly experiments: Experiments;
  readonly registry: Registry;
  readonly apiKeys: ApiKeys;
  /** Undefined only when joining a stack started before monitoring existed. */
  readonly cloudwatch: CloudWatchClient | undefined;
  readonly alarms: Alarms;
  /** Registry events (promote, rollback) go where the functions' go: EventBridge. */
  readonly registryEvents: RegistryEvents;
  /** The stack's configuration (serverless.yml as printed for the local stage). */
  readonly config: StackConfig;
  /** Where the stack keeps its state (the CLI keeps its own API key there). */
  readonly stateDir: string;
  /** The stack this command started (undefined when it joined a running `synergy dev`). */
  readonly embedded: LocalStack | undefined;
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly root: string;
  readonly stateDir?: string;
  /** Lines about the stack itself (starting, joining). */
  readonly log?: (line: string) => void;
}

/** Where the embedded stack keeps its state: SYNERGY_STATE_DIR, else `<root>/.synergy`. */
export function stateDirFor(root: string): string {
  return process.env.SYNERGY_STATE_DIR ?? join(root, '.synergy');
}

/** s3rver checks signatures against these; dynalite accepts any. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/** A stack started before monitoring existed wrote no CloudWatch/EventBridge endpoints: restart it. */
export function missingService(service: string): never {
  throw new Error(
    `the running stack has no ${service} endpoint (it predates monitoring): stop \`synergy dev\` and start it again`,
  );
}

const unavailableAlarms: Alarms = {
  ensure: async () => missingService('CloudWatch'),
  describe: async () => missingService('CloudWatch'),
};

const unavailableEvents: RegistryEvents = { publish: async () => missingService('EventBridge') };

export function destroyClients(ports: {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  readonly cloudwatch: CloudWatchClient | undefined;
  readonly eventBridge: EventBridgeClient | undefined;
}): void {
  ports.s3.destroy();
  ports.dynamo.destroy();
  ports.cloudwatch?.destroy();
  ports.eventBridge?.destroy();
}

/** The CLI's ports (adapters over SDK clients) on a stack's endpoints; destroyClients() releases them. */
export function portsFor(endpoints: LocalEndpoints, config: StackConfig) {
  const s3 = new S3Client({
    endpoint: endpoints.s3,
    region: endpoints.region,
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamo = new DynamoDBClient({
    endpoint: endpoints.dynamodb,
    region: endpoints.region,
    credentials: CREDENTIALS,
  });
  const doc = createDocumentClient(dynamo);
  const cloudwatch =
    endpoints.cloudwatch === undefined
      ? undefined
      : new CloudWatchClient({
          endpoint: endpoints.cloudwatch,
          region: endpoints.region,
          credentials: CREDENTIALS,
        });
  const eventBridge =
    endpoints.eventbridge === undefined
      ? undefined
      : new EventBridgeClient({
          endpoint: endpoints.eventbridge,
          region: endpoints.region,
          credentials: CREDENTIALS,
        });
  return {
    s3,
    dynamo,
    cloudwatch,
    eventBridge,
    alarms: cloudwatch === undefined ? unavailableAlarms : new CloudWatchAlarms(cloudwatch),
    registryEvents:
      eventBridge === undefined ? unavailableEvents : new EventBridgeRegistryEvents(eventBridge, 'default'),
    artifacts: new S3ArtifactStore(s3),
    experiments: new DynamoExperiments(doc, tableName(config, 'RunsTable')),
    registry: new DynamoRegistry(doc, tableName(config, 'RegistryTable')),
    apiKeys: new DynamoApiKeys(doc, tableName(config, 'ApiKeysTable')),
  };
}

/**
 * Joins the stack `synergy dev` runs on this state directory when one answers, else starts an embedded
 * stack for the duration of the command (its state persists under the same directory).
 */
export async function openStack(options: SessionOptions): Promise<StackSession> {
  const stateDir = options.stateDir ?? stateDirFor(options.root);
  const log = options.log ?? (() => {});
  const running = await readEndpoints(stateDir);
  if (running && (await answers(running.dynamodb))) {
    log(`Using the running stack (${join(stateDir, 'endpoints.json')})`);
    const config = await loadStackConfig({
      root: options.root,
      stage: 'local',
      cacheDir: join(stateDir, 'cache'),
    });
    const ports = portsFor(running, config);
    return {
      endpoints: running,
      bucket: running.bucket,
      ...ports,
      stateDir,
      config,
      embedded: undefined,
      close: async () => destroyClients(ports),
    };
  }
  log('Starting the embedded stack (s3rver, dynalite, Step Functions, Lambda sandboxes)…');
  const stack = await startLocalStack({ root: options.root, stateDir, log });
  const { http, ...services } = stack.endpoints;
  const endpoints: LocalEndpoints = { ...services, api: http };
  const ports = portsFor(endpoints, stack.config);
  return {
    endpoints,
    bucket: stack.endpoints.bucket,
    ...ports,
    stateDir,
    config: stack.config,
    embedded: stack,
    close: async () => {
      destroyClients(ports);
      await stack.stop();
    },
  };
}
