/**
 * The typed view of the stack the local runtime runs: functions, state machines, bucket(s), tables and
 * bundling options, all derived from `serverless print` (nothing here is a second definition) with every
 * intrinsic resolved to its local value.
 */
import { z } from 'zod';
import { StackConfigError } from './errors.ts';
import type { EventRule } from './event-rules.ts';
import { deriveEventRules } from './event-rules.ts';
import type { HttpApiConfig } from './http-api.ts';
import { deriveHttpApi } from './http-api.ts';
import type { IntrinsicContext, KeepNode } from './intrinsics.ts';
import { resolveIntrinsics, resolveToString } from './intrinsics.ts';
import { parseConfig } from './parse-config.ts';
import type { PrintOptions } from './print.ts';
import { printServerlessConfig } from './print.ts';
import type { PrintedFunction, PrintedServerlessConfig } from './printed-schema.ts';
import { printedConfigSchema, s3EventSchema } from './printed-schema.ts';
import {
  arns,
  buildIntrinsicContext,
  functionName,
  LOCAL_ACCOUNT_ID,
  physicalName,
  providerBucketName,
  regionOf,
  serviceName,
  stateMachineLogicalId,
  stateMachineName,
} from './resource-facts.ts';

/** `functions/prep.handler` → module `functions/prep` (extension resolved when bundling), export `handler`. */
export interface HandlerRef {
  readonly module: string;
  readonly exportName: string;
}

/** One s3 event of a function: which bucket, which event names, which keys. */
export interface S3Subscription {
  readonly bucket: string;
  /** As in serverless.yml, e.g. `s3:ObjectCreated:*`. */
  readonly event: string;
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface FunctionConfig {
  /** The key under `functions:` (what state machines and the invoker use). */
  readonly key: string;
  /** The deployed function name (serverless: <service>-<stage>-<key>). */
  readonly name: string;
  readonly arn: string;
  readonly handler: HandlerRef;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly reservedConcurrency?: number;
  /** provider.environment overlaid with the function's, intrinsics resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly s3Events: readonly S3Subscription[];
}

export interface StateMachineConfig {
  readonly key: string;
  readonly name: string;
  readonly logicalId: string;
  readonly arn: string;
  /** As printed, intrinsics resolved except the plugin's `Fn::GetAtt: [<functionKey>, Arn]` Task resources. */
  readonly definition: Record<string, unknown>;
}

export interface BucketConfig {
  readonly name: string;
}

export interface TableConfig {
  readonly logicalId: string;
  readonly name: string;
  /** CloudFormation properties with TableName set and key/index properties resolved. */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface StackConfig {
  readonly service: string;
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly runtime?: string;
  readonly providerEnvironment: Readonly<Record<string, string>>;
  readonly functions: Readonly<Record<string, FunctionConfig>>;
  readonly stateMachines: readonly StateMachineConfig[];
  /** The bucket uploads go to: the one the s3 events watch (else provider.s3.data, else the only bucket). */
  readonly dataBucket: string;
  readonly buckets: readonly BucketConfig[];
  readonly tables: readonly TableConfig[];
  /** custom.esbuild as printed. */
  readonly esbuild: Readonly<Record<string, unknown>>;
  /** The `httpApi` routes of the functions and the authorizers of provider.httpApi. */
  readonly httpApi: HttpApiConfig;
  /** The EventBridge rules of the functions' `eventBridge` and `schedule` events. */
  readonly eventRules: readonly EventRule[];
}

/** The name of the table whose CloudFormation logical id is `logicalId` (e.g. RunsTable). */
export function tableName(config: StackConfig, logicalId: string): string {
  const table = config.tables.find((t) => t.logicalId === logicalId);
  if (!table) throw new StackConfigError(`serverless.yml defines no ${logicalId} resource`, { logicalId });
  return table.name;
}

/** serverless's defaults when neither the function nor the provider sets them. */
const DEFAULT_MEMORY_MB = 1024;
const DEFAULT_TIMEOUT_SECONDS = 6;
/** The table properties CreateTable understands; the rest (SSE, PITR, tags…) is deploy-only and left as printed. */
const TABLE_SHAPE_PROPERTIES = [
  'TableName',
  'AttributeDefinitions',
  'KeySchema',
  'BillingMode',
  'ProvisionedThroughput',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
];

export async function loadStackConfig(options: PrintOptions): Promise<StackConfig> {
  const printed = await printServerlessConfig(options);
  return deriveStackConfig(printed.config);
}

export function deriveStackConfig(printed: unknown): StackConfig {
  const parsed = printedConfigSchema.safeParse(printed);
  if (!parsed.success) {
    throw new StackConfigError(
      `serverless print output: ${z.prettifyError(parsed.error)}`,
      {},
      { cause: parsed.error },
    );
  }
  const config = parsed.data;
  const context = buildIntrinsicContext(config);
  const providerEnvironment = resolveEnvironment(
    config.provider.environment,
    context,
    'provider.environment',
  );
  const functions: Record<string, FunctionConfig> = {};
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    functions[key] = deriveFunction(config, context, providerEnvironment, key, fn);
  }
  const buckets = collectBuckets(config, Object.values(functions));
  return {
    service: serviceName(config),
    stage: config.provider.stage,
    region: regionOf(config),
    accountId: LOCAL_ACCOUNT_ID,
    runtime: config.provider.runtime,
    providerEnvironment,
    functions,
    stateMachines: deriveStateMachines(config, context, new Set(Object.keys(functions))),
    dataBucket: chooseDataBucket(config, Object.values(functions), buckets),
    buckets,
    tables: deriveTables(config, context),
    esbuild: config.custom?.esbuild ?? {},
    httpApi: deriveHttpApi(config),
    eventRules: deriveEventRules(config, context),
  };
}

function resolveEnvironment(
  environment: Readonly<Record<string, unknown>> | undefined,
  context: IntrinsicContext,
  path: string,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment ?? {})) {
    resolved[name] = resolveToString(value, context, `${path}.${name}`);
  }
  return resolved;
}

export function parseHandler(handler: string, path: string): HandlerRef {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new StackConfigError(`${path}: "${handler}" is not <file>.<export>`, { path, handler });
  }
  return { module: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

function deriveFunction(
  config: PrintedServerlessConfig,
  context: IntrinsicContext,
  providerEnvironment: Readonly<Record<string, string>>,
  key: string,
  fn: PrintedFunction,
): FunctionConfig {
  const path = `functions.${key}`;
  const name = functionName(config, key);
  return {
    key,
    name,
    arn: arns.lambda(context.region, name),
    handler: parseHandler(fn.handler, `${path}.handler`),
    timeoutSeconds: fn.timeout ?? config.provider.timeout ?? DEFAULT_TIMEOUT_SECONDS,
    memorySizeMb: fn.memorySize ?? config.provider.memorySize ?? DEFAULT_MEMORY_MB,
    ...(fn.reservedConcurrency === undefined ? {} : { reservedConcurrency: fn.reservedConcurrency }),
    environment: {
      ...providerEnvironment,
      ...resolveEnvironment(fn.environment, context, `${path}.environment`),
    },
    s3Events: (fn.events ?? []).flatMap((event, index) =>
      event.s3 === undefined ? [] : [deriveS3Event(config, context, event.s3, `${path}.events[${index}].s3`)],
    ),
  };
}

function deriveS3Event(
  config: PrintedServerlessConfig,
  context: IntrinsicContext,
  raw: unknown,
  path: string,
): S3Subscription {
  const event = parseConfig(s3EventSchema, raw, path);
  if (typeof event === 'string')
    return { bucket: providerBucketName(config, event), event: 's3:ObjectCreated:*' };
  const bucket =
    event.existing === true
      ? resolveToString(event.bucket, context, `${path}.bucket`)
      : providerBucketName(config, resolveToString(event.bucket, context, `${path}.bucket`));
  const subscription: { bucket: string; event: string; prefix?: string; suffix?: string } = {
    bucket,
    event: event.event ?? 's3:ObjectCreated:*',
  };
  (event.rules ?? []).forEach((rule, index) => {
    for (const [name, value] of Object.entries(rule)) {
      if (name !== 'prefix' && name !== 'suffix') {
        throw new StackConfigError(`${path}.rules[${index}]: unknown rule "${name}" (prefix or suffix)`, {
          path,
        });
      }
      subscription[name] = resolveToString(value, context, `${path}.rules[${index}].${name}`);
    }
  });
  return subscription;
}

function deriveStateMachines(
  config: PrintedServerlessConfig,
  context: IntrinsicContext,
  functionKeys: ReadonlySet<string>,
): StateMachineConfig[] {
  // The step-functions plugin turns `Fn::GetAtt: [<functionKey>, Arn]` into the function's ARN at deploy
  // time; locally the engine maps it to the function key, so it stays as printed.
  const keepFunctionArn: KeepNode = (node) => {
    const getAtt = node['Fn::GetAtt'];
    return Object.keys(node).length === 1 && Array.isArray(getAtt) && functionKeys.has(String(getAtt[0]));
  };
  return Object.entries(config.stepFunctions?.stateMachines ?? {}).map(([key, machine]) => {
    const path = `stepFunctions.stateMachines.${key}.definition`;
    const raw =
      typeof machine.definition === 'string' ? parseDefinition(machine.definition, path) : machine.definition;
    const definition = resolveIntrinsics(raw, context, path, keepFunctionArn);
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
      throw new StackConfigError(`${path}: not an object`, { path });
    }
    const name = stateMachineName(key, machine);
    return {
      key,
      name,
      logicalId: stateMachineLogicalId(key, machine),
      arn: arns.stateMachine(context.region, name),
      definition,
    };
  });
}

function parseDefinition(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StackConfigError(`${path}: a string definition must be JSON`, { path }, { cause: error });
  }
}

function deriveTables(config: PrintedServerlessConfig, context: IntrinsicContext): TableConfig[] {
  return Object.entries(config.resources?.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      const name = physicalName(config, logicalId, resource.Properties, 'TableName');
      const properties: Record<string, unknown> = { ...resource.Properties, TableName: name };
      for (const property of TABLE_SHAPE_PROPERTIES) {
        if (properties[property] === undefined) continue;
        const path = `resources.Resources.${logicalId}.Properties.${property}`;
        properties[property] = resolveIntrinsics(properties[property], context, path);
      }
      return { logicalId, name, properties };
    });
}

function collectBuckets(
  config: PrintedServerlessConfig,
  functions: readonly FunctionConfig[],
): BucketConfig[] {
  const names = new Set<string>();
  for (const bucketRef of Object.keys(config.provider.s3 ?? {}))
    names.add(providerBucketName(config, bucketRef));
  for (const [logicalId, resource] of Object.entries(config.resources?.Resources ?? {})) {
    if (resource.Type === 'AWS::S3::Bucket')
      names.add(physicalName(config, logicalId, resource.Properties, 'BucketName'));
  }
  // An event on an `existing` bucket or a bucket serverless creates for the event: it has to exist locally too.
  for (const fn of functions) for (const event of fn.s3Events) names.add(event.bucket);
  return [...names].map((name) => ({ name }));
}

function chooseDataBucket(
  config: PrintedServerlessConfig,
  functions: readonly FunctionConfig[],
  buckets: readonly BucketConfig[],
): string {
  const watched = functions.flatMap((fn) => fn.s3Events.map((event) => event.bucket));
  if (watched.length > 0) return watched[0];
  if (config.provider.s3?.data !== undefined) return providerBucketName(config, 'data');
  if (buckets.length === 1) return buckets[0].name;
  throw new StackConfigError(
    `cannot tell the data bucket: no s3 event, no provider.s3.data and ${buckets.length} buckets`,
    { buckets: buckets.map((bucket) => bucket.name) },
  );
}
