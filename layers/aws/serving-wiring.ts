/**
 * Builds the predict function's ports from its validated env, once per container, on the first request.
 * The SDK is imported then (through sdk.ts), not at module load: the function's cold start stays free of
 * the ~200-300 ms the SDK takes to import, and a container that only answers health checks never loads it.
 * SDK clients take their endpoints and checksum behaviour from the standard AWS env, as in wiring.ts.
 */

import type { Clock } from '../core/ports.ts';
import { createCaptureBuffer } from '../core/serving/capture-buffer.ts';
import type { ServingDeps, ServingLog } from '../core/serving/deps.ts';
import { BufferedMetrics } from './buffered-metrics.ts';
import { DynamoRegistry } from './dynamo-registry.ts';
import type { FunctionEnv } from './lambda/env.ts';
import { logger } from './lambda/observability.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';
import { connectDocumentClient, s3Sdk, usesCustomS3Endpoint } from './sdk.ts';

export type ServingEnv = FunctionEnv<
  | 'REGISTRY_TABLE'
  | 'DATA_BUCKET'
  | 'SERVING_ALIAS_TTL_SECONDS'
  | 'MODEL_CACHE_SIZE'
  | 'CAPTURE_SAMPLE_RATE'
  | 'CAPTURE_BATCH_ROWS'
  | 'CAPTURE_BATCH_SECONDS'
>;

const systemClock: Clock = { now: () => new Date() };

const servingLog: ServingLog = {
  info: (message, fields) => logger.info(message, { ...fields }),
  warn: (message, fields) => logger.warn(message, { ...fields }),
};

let bufferedMetrics: BufferedMetrics | undefined;

/** The predict function's metrics: collected per dimension set, published about once a second. */
function servingMetrics(): BufferedMetrics {
  bufferedMetrics ??= new BufferedMetrics({ intervalMs: 1_000 });
  return bufferedMetrics;
}

/** Called after every invocation: publishes the collected metrics when a second has passed. */
export function publishServingMetricsIfDue(): void {
  bufferedMetrics?.publishIfDue();
}

async function buildServingDeps(env: ServingEnv): Promise<ServingDeps> {
  const [{ S3Client }, documents] = await Promise.all([s3Sdk(), connectDocumentClient()]);
  const artifacts = new S3ArtifactStore(new S3Client({ forcePathStyle: usesCustomS3Endpoint(process.env) }));
  const metrics = servingMetrics();
  // Serving is not the deterministic training path: the canary and capture draws need no seed.
  const random = Math.random;
  const capture = createCaptureBuffer({
    artifacts,
    bucket: env.DATA_BUCKET,
    sampleRate: env.CAPTURE_SAMPLE_RATE,
    batchRows: env.CAPTURE_BATCH_ROWS,
    batchMs: env.CAPTURE_BATCH_SECONDS * 1000,
    clock: systemClock,
    random,
    onError: (error, droppedRows) => {
      metrics.add('CaptureRowsDropped', 'Count', droppedRows);
      logger.warn(`capture dropped ${droppedRows} rows`, error instanceof Error ? error : String(error));
    },
  });
  return {
    artifacts,
    registry: new DynamoRegistry(documents, env.REGISTRY_TABLE),
    metrics,
    clock: systemClock,
    log: servingLog,
    capture,
    random,
    settings: {
      aliasTtlMs: env.SERVING_ALIAS_TTL_SECONDS * 1000,
      modelCacheSize: env.MODEL_CACHE_SIZE,
    },
  };
}

const built = new WeakMap<ServingEnv, Promise<ServingDeps>>();
let depsForTest: ServingDeps | undefined;

/** The ports for the predict function's env: built on the first call, the same for a warm container. */
export function servingDeps(env: ServingEnv): Promise<ServingDeps> {
  if (depsForTest !== undefined) return Promise.resolve(depsForTest);
  let deps = built.get(env);
  if (deps === undefined) {
    deps = buildServingDeps(env);
    built.set(env, deps);
    // A failed build (the SDK failed to load) is not kept: the next request tries again.
    deps.catch(() => built.delete(env));
  }
  return deps;
}

/** Test seam: servingDeps returns these instead of AWS-backed ports until reset with undefined. */
export function setServingDepsForTest(deps: ServingDeps | undefined): void {
  depsForTest = deps;
}
