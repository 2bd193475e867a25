/**
 * Builds the pipeline's ports from a function's validated env, lazily and once per container: an adapter
 * (and its SDK client) is created the first time a use case touches it, so a function builds only what it
 * uses and a cold start does no network work. SDK clients keep their default configuration: endpoints
 * come from the standard AWS_ENDPOINT_URL_* variables and checksum behaviour from
 * AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION, read by the SDK itself, so the same
 * code talks to AWS or to the embedded local runtime without knowing which.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PipelineDeps } from '../core/pipeline/deps.ts';
import type { Clock, RegistryEvents } from '../core/ports.ts';
import { createDocumentClient } from './document-client.ts';
import { DynamoExperiments } from './dynamo-experiments.ts';
import { DynamoRegistry } from './dynamo-registry.ts';
import { EventBridgeRegistryEvents } from './eventbridge-events.ts';
import type { EnvVariable, FunctionEnv } from './lambda/env.ts';
import { EnvConfigError } from './lambda/errors.ts';
import { metrics as powertoolsMetrics } from './lambda/observability.ts';
import { PowertoolsMetrics } from './powertools-metrics.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';
import { eventBridgeSdk, usesCustomS3Endpoint } from './sdk.ts';
import { StepFunctionsOrchestrator } from './sfn-orchestrator.ts';

/**
 * The env a function gives the wiring: only the variables of the ports it uses. Touching a port whose
 * variable the function was not given is a deployment bug, reported as EnvConfigError naming the variable.
 */
export type WiringEnv = Partial<FunctionEnv<EnvVariable>>;

/** The pipeline's ports plus where the registry announces its changes (register and promote use it). */
export interface WiredPipelineDeps extends PipelineDeps {
  readonly events?: RegistryEvents;
}

const systemClock: Clock = { now: () => new Date() };

function once<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

const s3Client = once(() => new S3Client({ forcePathStyle: usesCustomS3Endpoint(process.env) }));
const documentClient = once((): DynamoDBDocumentClient => createDocumentClient(new DynamoDBClient({})));
const sfnClient = once(() => new SFNClient({}));

function required<V>(value: V | undefined, variable: EnvVariable): V {
  if (value === undefined) {
    throw new EnvConfigError(`Environment variable ${variable} is not configured for this function`, {
      variable,
    });
  }
  return value;
}

/**
 * Registry events on EventBridge, the SDK imported on the first publish: every pipeline function builds
 * its ports from this module, and only register and promote publish, so the others never load it.
 */
function eventBridgeEvents(busName: string): RegistryEvents {
  let adapter: Promise<EventBridgeRegistryEvents> | undefined;
  const connect = async (): Promise<EventBridgeRegistryEvents> => {
    const { EventBridgeClient } = await eventBridgeSdk();
    return new EventBridgeRegistryEvents(new EventBridgeClient({}), busName);
  };
  return {
    publish: async (events) => {
      if (adapter === undefined) {
        adapter = connect();
        // A failed import is not kept: the next publish tries again.
        adapter.catch(() => {
          adapter = undefined;
        });
      }
      return (await adapter).publish(events);
    },
  };
}

function lazyPipelineDeps(env: WiringEnv): WiredPipelineDeps {
  const artifacts = once(() => new S3ArtifactStore(s3Client()));
  const experiments = once(
    () => new DynamoExperiments(documentClient(), required(env.RUNS_TABLE, 'RUNS_TABLE')),
  );
  const registry = once(
    () => new DynamoRegistry(documentClient(), required(env.REGISTRY_TABLE, 'REGISTRY_TABLE')),
  );
  const orchestrator = once(
    () =>
      new StepFunctionsOrchestrator(
        sfnClient(),
        required(env.TRAINING_STATE_MACHINE_ARN, 'TRAINING_STATE_MACHINE_ARN'),
      ),
  );
  const metrics = once(() => new PowertoolsMetrics(powertoolsMetrics));
  const events = once(() => eventBridgeEvents(required(env.EVENT_BUS_NAME, 'EVENT_BUS_NAME')));
  return {
    get artifacts() {
      return artifacts();
    },
    get experiments() {
      return experiments();
    },
    get registry() {
      return registry();
    },
    get orchestrator() {
      return orchestrator();
    },
    get metrics() {
      return metrics();
    },
    get events() {
      return events();
    },
    clock: systemClock,
    get bucket() {
      return required(env.DATA_BUCKET, 'DATA_BUCKET');
    },
    get codeVersion() {
      return required(env.CODE_VERSION, 'CODE_VERSION');
    },
  };
}

const built = new WeakMap<WiringEnv, WiredPipelineDeps>();
let depsForTest: WiredPipelineDeps | undefined;

/** The ports for a function's env: the same instance for every invocation of a warm container. */
export function pipelineDeps(env: WiringEnv): WiredPipelineDeps {
  if (depsForTest !== undefined) return depsForTest;
  let deps = built.get(env);
  if (deps === undefined) {
    deps = lazyPipelineDeps(env);
    built.set(env, deps);
  }
  return deps;
}

/**
 * Test seam: handlers get these ports instead of AWS-backed ones until reset with undefined. Tests inject
 * in-memory ports here; handlers themselves never branch on where they run.
 */
export function setDepsForTest(deps: WiredPipelineDeps | undefined): void {
  depsForTest = deps;
}

/** The S3 client the wiring uses (exported so a test can check its resolved configuration). */
export const wiredS3Client = s3Client;
