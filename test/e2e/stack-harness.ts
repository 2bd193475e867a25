/**
 * Starts the embedded stack (from the real serverless.yml) in a temporary state directory for the
 * end-to-end tests, with port 0 everywhere, fault injection on and Retry intervals scaled down.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { followRun, waitForUploadRun } from '../../bin/stack/follow-run.ts';
import { createDocumentClient } from '../../layers/aws/document-client.ts';
import { DynamoExperiments } from '../../layers/aws/dynamo-experiments.ts';
import { DynamoRegistry } from '../../layers/aws/dynamo-registry.ts';
import { S3ArtifactStore } from '../../layers/aws/s3-artifact-store.ts';
import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import type { LocalClock } from '../../local/clock.ts';
import { tableName } from '../../local/config/stack-config.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startLocalStack } from '../../local/stack.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Harness {
  readonly stack: LocalStack;
  readonly stateDir: string;
  readonly bucket: string;
  readonly experiments: DynamoExperiments;
  readonly registry: DynamoRegistry;
  readonly artifacts: S3ArtifactStore;
  upload(key: string, body: string, metadata?: Record<string, string>): Promise<string>;
  /** Uploads a CSV under incoming/<dataset>/ and waits for the run it starts to end. */
  runUpload(
    dataset: string,
    file: string,
    csv: string,
    metadata?: Record<string, string>,
  ): Promise<RunRecord>;
  waitForRun(dataset: string, key: string, etag: string): Promise<RunRecord>;
  close(): Promise<void>;
}

export async function makeStateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'synergy-e2e-'));
}

export interface HarnessOptions {
  /** The CloudWatch/EventBridge clock (a SimulatedClock the test advances). */
  readonly clock?: LocalClock;
  /** serverless.yml stage parameters (`--param`). */
  readonly params?: Readonly<Record<string, string>>;
}

export async function startHarness(stateDir?: string, options: HarnessOptions = {}): Promise<Harness> {
  const dir = stateDir ?? (await makeStateDir());
  const stack = await startLocalStack({
    root: ROOT,
    stateDir: dir,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.params === undefined ? {} : { params: options.params }),
    faults: true,
    waitTimeScale: 0.01,
    notificationRetryDelaysMs: [10, 20],
  });
  const doc = createDocumentClient(stack.clients.dynamodb);
  const experiments = new DynamoExperiments(doc, tableName(stack.config, 'RunsTable'));
  const registry = new DynamoRegistry(doc, tableName(stack.config, 'RegistryTable'));
  const bucket = stack.endpoints.bucket;
  const upload = async (key: string, body: string, metadata?: Record<string, string>) => {
    const put = await stack.clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ...(metadata ? { Metadata: metadata } : {}),
      }),
    );
    if (!put.ETag) throw new Error('no ETag');
    return put.ETag;
  };
  const waitForRun = async (dataset: string, key: string, etag: string) => {
    const started = await waitForUploadRun(
      experiments,
      { modelName: dataset, key, etag },
      { timeoutMs: 60_000 },
    );
    return followRun(experiments, started.runId, () => {}, { pollMs: 100 });
  };
  return {
    stack,
    stateDir: dir,
    bucket,
    experiments,
    registry,
    artifacts: new S3ArtifactStore(stack.clients.s3),
    upload,
    waitForRun,
    runUpload: async (dataset, file, csv, metadata) => {
      const key = `incoming/${dataset}/${file}`;
      return waitForRun(dataset, key, await upload(key, csv, metadata));
    },
    close: async () => {
      await stack.stop();
      if (!stateDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small, fast configuration: two models, tiny grids, 3 folds. */
export const SMALL_CONFIG = {
  models: ['LogisticRegression', 'DecisionTree'],
  grids: { LogisticRegression: { C: [0.1, 1] }, DecisionTree: { max_depth: [2, 4] } },
  folds: 3,
};
