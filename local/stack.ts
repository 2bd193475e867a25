/**
 * The embedded local AWS, composed from `serverless print`: s3rver with the stack's buckets, dynalite
 * with its tables, the function bundles on warm worker sandboxes, the Step Functions engine and its API
 * stand-in, and S3 notifications that invoke the subscribed functions — which reach the other services
 * through the standard AWS_ENDPOINT_URL_* variables, exactly as on AWS.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { LocalClock } from './clock.ts';
import { SimulatedClock } from './clock.ts';
import { type CloudWatchStandIn, startCloudWatch } from './cloudwatch/stack-part.ts';
import type { StackConfig } from './config/stack-config.ts';
import { loadStackConfig } from './config/stack-config.ts';
import { removeEndpoints, writeEndpoints } from './endpoints.ts';
import { type EventBridgeStandIn, startEventBridge } from './eventbridge/stack-part.ts';
import { edgeFunctionKey, startHttpEdge } from './http-api/edge.ts';
import type { StartedHttpApi } from './http-api/server.ts';
import { localApiId } from './http-api/server.ts';
import { bundleFunctions } from './lambda/bundle.ts';
import { sandboxEnvironment } from './lambda/environment.ts';
import { FaultInjector } from './lambda/faults.ts';
import { LocalLambdaInvoker } from './lambda/invoker.ts';
import { FunctionLogFiles } from './lambda/log-files.ts';
import { createFunctionResolver } from './lambda/resolve-function.ts';
import type { LambdaInvoker } from './lambda/types.ts';
import { S3Notifications } from './s3-notifications.ts';
import { createTablesFromCloudFormation, type StartedDynamo, startDynamo } from './services/dynamodb.ts';
import { type StartedS3, startS3 } from './services/s3.ts';
import { type StartedStepFunctionsApi, startStepFunctionsApi } from './stepfunctions/api-server.ts';
import { ExecutionEngine } from './stepfunctions/engine.ts';

export interface LocalStackOptions {
  readonly root: string;
  /** Default `<root>/.synergy`. */
  readonly stateDir?: string;
  /** Default `local`. */
  readonly stage?: string;
  /** serverless.yml stage parameters (`--param name=value`), e.g. a faster schedule for a demo or a test. */
  readonly params?: Readonly<Record<string, string>>;
  /** 0 or omitted: a free port (tests); `synergy dev` passes DEV_PORTS. */
  readonly ports?: {
    readonly s3?: number;
    readonly dynamodb?: number;
    readonly stepfunctions?: number;
    readonly http?: number;
    readonly cloudwatch?: number;
    readonly eventbridge?: number;
  };
  /** The stack's own lines (startup, failed notifications); function output goes to `<stateDir>/logs/`. */
  readonly log?: (line: string) => void;
  /** Create a fault injector (tests of retries). */
  readonly faults?: boolean;
  /** Most sandboxes per function key (default: see lambda/pool-sizes.ts). */
  readonly concurrency?: Readonly<Record<string, number>>;
  /** Idle sandboxes exit after this long (default 2 minutes). */
  readonly sandboxIdleMs?: number;
  /** Delays before the 2nd and 3rd attempt of an S3- or EventBridge-triggered invocation (default 1 s, 2 s). */
  readonly notificationRetryDelaysMs?: readonly number[];
  /** Scales Retry intervals and Wait states (default 1; tests pass e.g. 0.01). */
  readonly waitTimeScale?: number;
  /**
   * The clock of the CloudWatch and EventBridge stand-ins: alarm periods and schedules (default: real time;
   * `synergy dev --speed N` runs it N times faster, tests pass a SimulatedClock they advance).
   */
  readonly clock?: LocalClock;
}

export interface StackEndpoints {
  readonly s3: string;
  readonly dynamodb: string;
  readonly stepfunctions: string;
  readonly cloudwatch: string;
  readonly eventbridge: string;
  /** The HTTP API (serverless.yml `httpApi` events); null when the service has no routes. */
  readonly http: string | null;
  readonly bucket: string;
  readonly region: string;
}

export interface LocalStack {
  readonly config: StackConfig;
  readonly stateDir: string;
  readonly endpoints: StackEndpoints;
  readonly clients: { readonly s3: S3Client; readonly dynamodb: DynamoDBClient; readonly sfn: SFNClient };
  readonly invoker: LocalLambdaInvoker;
  readonly engine: ExecutionEngine;
  readonly notifications: S3Notifications;
  /** Metrics (EMF from every function's output), alarms and their evaluation. */
  readonly cloudwatch: CloudWatchStandIn;
  /** Rules and schedules from serverless.yml; alarm state changes and PutEvents are routed through it. */
  readonly eventBridge: EventBridgeStandIn;
  readonly clock: LocalClock;
  /** Present when started with `faults: true`. */
  readonly faults: FaultInjector | undefined;
  /** `<stateDir>/logs/<functionKey>.log`. */
  logFile(functionKey: string): string;
  /** Resolves once no notification is being delivered, no execution runs and the function logs are written. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** The ports `synergy dev` listens on, so clients can be pointed at a stack that is already running. */
export const DEV_PORTS = {
  s3: 4569,
  dynamodb: 4567,
  stepfunctions: 8083,
  http: 3000,
  cloudwatch: 4582,
  eventbridge: 4587,
} as const;

/** s3rver checks signatures against these; the other services accept any. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Everything a stack started, so a failed start and stop() both shut down what exists, in order. */
interface Parts {
  endpointsWritten?: boolean;
  http?: StartedHttpApi;
  notifications?: S3Notifications;
  engine?: ExecutionEngine;
  invoker?: LocalLambdaInvoker;
  logFiles?: FunctionLogFiles;
  api?: StartedStepFunctionsApi;
  cloudwatch?: { stop(): Promise<void> };
  eventBridge?: { stop(): Promise<void> };
  ownClock?: SimulatedClock;
  clients: { destroy(): void }[];
  s3Server?: StartedS3;
  dynamo?: StartedDynamo;
}

async function stopParts(parts: Parts, stateDir: string): Promise<void> {
  if (parts.endpointsWritten) await removeEndpoints(stateDir);
  // No new requests once stopping; one in flight ends with its sandbox below.
  await parts.http?.close();
  // No schedule fires and no alarm changes state while the rest shuts down.
  await parts.eventBridge?.stop();
  await parts.cloudwatch?.stop();
  parts.ownClock?.close();
  const notificationsClosed = parts.notifications?.close(); // cancels retries at once
  // The engine first: its executions stay RUNNING on disk for the next start to recover, instead of
  // failing on a closed invoker. Then the sandboxes end, which ends any invocation still in flight.
  await parts.engine?.close();
  await parts.invoker?.close();
  await notificationsClosed;
  await parts.logFiles?.close();
  await parts.api?.stop();
  for (const client of parts.clients) client.destroy();
  await parts.s3Server?.stop();
  await parts.dynamo?.stop();
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const stateDir = options.stateDir ?? join(options.root, '.synergy');
  const parts: Parts = { clients: [] };
  const lambdaReady = deferred<LocalLambdaInvoker>();
  try {
    const started = performance.now();
    const config = await loadStackConfig({
      root: options.root,
      stage: options.stage,
      params: options.params,
    });
    const { region } = config;
    const bundling = bundleFunctions({
      root: options.root,
      functions: Object.values(config.functions),
      esbuild: config.esbuild,
      runtime: config.runtime,
    });
    bundling.catch(() => {}); // awaited below; if the start fails before that, its failure is not unhandled

    parts.dynamo = await startDynamo({
      directory: join(stateDir, 'dynamodb'),
      port: options.ports?.dynamodb,
    });
    const dynamodb = new DynamoDBClient({
      endpoint: parts.dynamo.endpoint,
      region,
      credentials: CREDENTIALS,
    });
    parts.clients.push(dynamodb);
    await createTablesFromCloudFormation(dynamodb, tableResources(config));

    // The engine and the notifications need an invoker before the sandboxes can be given the endpoints
    // of the services they call (one of which is the engine's API): they get one that waits for it.
    const invoker: LambdaInvoker = {
      invoke: async (functionKey, event, invokeOptions) =>
        (await lambdaReady.promise).invoke(functionKey, event, invokeOptions),
    };
    // Created before s3rver, so no object event is lost.
    const notifications = new S3Notifications({
      functions: Object.values(config.functions),
      region,
      invoke: (functionKey, event) => invoker.invoke(functionKey, event),
      retryDelaysMs: options.notificationRetryDelaysMs,
      log,
    });
    parts.notifications = notifications;
    parts.s3Server = await startS3({
      directory: join(stateDir, 's3'),
      port: options.ports?.s3,
      buckets: config.buckets.map((bucket) => bucket.name),
      onEvent: notifications.onS3Event,
    });
    const s3 = new S3Client({
      endpoint: parts.s3Server.endpoint,
      region,
      credentials: CREDENTIALS,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    parts.clients.push(s3);

    const clock = options.clock ?? new SimulatedClock();
    if (options.clock === undefined) parts.ownClock = clock as SimulatedClock;
    const eventBridge = await startEventBridge({
      config,
      clock,
      port: options.ports?.eventbridge,
      invoke: (functionKey, event) => invoker.invoke(functionKey, event),
      ...(options.notificationRetryDelaysMs === undefined
        ? {}
        : { retryDelaysMs: options.notificationRetryDelaysMs }),
      log,
    });
    parts.eventBridge = eventBridge;
    const cloudwatch = await startCloudWatch({
      config,
      clock,
      directory: join(stateDir, 'cloudwatch'),
      port: options.ports?.cloudwatch,
      onAlarmStateChange: (event) => eventBridge.standIn.publish(event),
      log,
    });
    parts.cloudwatch = cloudwatch;

    const resolveFunction = createFunctionResolver(config.functions);
    const engine = new ExecutionEngine({
      stateMachines: config.stateMachines.map(({ name, arn, definition }) => ({ name, arn, definition })),
      invoker,
      resolveFunction,
      s3,
      stateDir: join(stateDir, 'stepfunctions'),
      region,
      accountId: config.accountId,
      waitTimeScale: options.waitTimeScale,
    });
    parts.engine = engine;
    parts.api = await startStepFunctionsApi(engine, { port: options.ports?.stepfunctions });
    const sfnEndpoint = parts.api.endpoint;
    const sfn = new SFNClient({ endpoint: sfnEndpoint, region, credentials: CREDENTIALS });
    parts.clients.push(sfn);

    const bundles = await bundling;
    log(
      `local: ${Object.keys(bundles.bundles).length} functions ${bundles.rebuilt ? 'bundled' : 'up to date'} in ${Math.round(bundles.ms)} ms`,
    );
    const logFiles = new FunctionLogFiles(join(stateDir, 'logs'));
    parts.logFiles = logFiles;
    const faults = options.faults ? new FaultInjector() : undefined;
    const services = {
      s3: parts.s3Server.endpoint,
      dynamodb: parts.dynamo.endpoint,
      stepfunctions: sfnEndpoint,
      cloudwatch: cloudwatch.endpoint,
      eventbridge: eventBridge.endpoint,
      region,
    };
    // As on AWS, EMF lines in a function's output become CloudWatch metrics.
    const onFunctionLog = (functionKey: string, line: string): void => {
      logFiles.write(functionKey, line);
      cloudwatch.standIn.ingestLogLine(line);
    };
    const lambda = new LocalLambdaInvoker({
      config,
      bundles: bundles.bundles,
      runtimePath: bundles.runtimePath,
      endpoints: services,
      resolveFunction,
      concurrency: options.concurrency,
      idleMs: options.sandboxIdleMs,
      faults,
      onLog: onFunctionLog,
    });
    parts.invoker = lambda;
    lambdaReady.resolve(lambda);
    await engine.recover();
    eventBridge.standIn.start();
    const edgeKey = edgeFunctionKey(config.httpApi);
    const edgeFunction = edgeKey === undefined ? undefined : config.functions[edgeKey];
    if (edgeFunction !== undefined) {
      parts.http = await startHttpEdge({
        httpApi: config.httpApi,
        api: { apiId: localApiId(config.service, config.stage), accountId: config.accountId, region },
        port: options.ports?.http,
        edgeRuntimePath: bundles.edgeRuntimePath,
        inline: {
          fn: edgeFunction,
          bundlePath: bundles.bundles[edgeFunction.key],
          env: sandboxEnvironment(edgeFunction, services, config.runtime),
        },
        invoker: lambda,
        onFunctionLog: (line) => onFunctionLog(edgeFunction.key, line),
        log,
      });
    }
    const endpoints: StackEndpoints = {
      ...services,
      http: parts.http?.endpoint ?? null,
      bucket: config.dataBucket,
    };

    const { http, ...published } = endpoints;
    await writeEndpoints(stateDir, { ...published, api: http });
    parts.endpointsWritten = true;
    log(
      `local: s3 ${endpoints.s3}, dynamodb ${endpoints.dynamodb}, stepfunctions ${endpoints.stepfunctions}, cloudwatch ${endpoints.cloudwatch}, eventbridge ${endpoints.eventbridge}${endpoints.http ? `, http ${endpoints.http}` : ''} (started in ${Math.round(performance.now() - started)} ms)`,
    );

    let stopping: Promise<void> | undefined;
    return {
      config,
      stateDir,
      endpoints,
      clients: { s3, dynamodb, sfn },
      invoker: lambda,
      engine,
      notifications,
      cloudwatch: cloudwatch.standIn,
      eventBridge: eventBridge.standIn,
      clock,
      faults,
      logFile: (functionKey) => logFiles.pathOf(functionKey),
      settled: async () => {
        // A notification starts an execution and an execution can write an object: loop until both are quiet.
        do {
          await notifications.drain();
          await eventBridge.standIn.drain();
          await engine.idle();
        } while (notifications.pending() > 0 || eventBridge.standIn.pending() > 0);
        await logFiles.flush();
      },
      stop: () => {
        stopping ??= stopParts(parts, stateDir);
        return stopping;
      },
    };
  } catch (error) {
    lambdaReady.reject(error);
    await stopParts(parts, stateDir);
    throw error;
  }
}

function tableResources(
  config: StackConfig,
): Record<string, { Type: string; Properties: Readonly<Record<string, unknown>> }> {
  return Object.fromEntries(
    config.tables.map((table) => [
      table.logicalId,
      { Type: 'AWS::DynamoDB::Table', Properties: table.properties },
    ]),
  );
}

/** A promise settled from outside (Promise.withResolvers is Node 22+). A failed start rejects it. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => {}); // deliveries waiting on a failed start fail on their own; no unhandled rejection
  return { promise, resolve, reject };
}
