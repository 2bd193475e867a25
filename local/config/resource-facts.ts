/**
 * The local values of every resource the stack declares, keyed by CloudFormation logical id — the ids
 * serverless and serverless-step-functions generate (so `Ref: TrainingStateMachine` or
 * `Fn::GetAtt: [S3BucketData, Arn]` in serverless.yml resolve) and the ones in `resources`.
 */
import type { IntrinsicContext, ResourceFacts } from './intrinsics.ts';
import { resolveToString } from './intrinsics.ts';
import type { PrintedServerlessConfig, PrintedStateMachine } from './printed-schema.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_PARTITION = 'aws';

/** serverless's getNormalizedFunctionName: upper first letter, '-' → Dash, '_' → Underscore. */
export function normalizedResourceName(name: string): string {
  const replaced = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

export function functionLogicalId(functionKey: string): string {
  return `${normalizedResourceName(functionKey)}LambdaFunction`;
}

/** serverless's getBucketLogicalId. */
export function bucketLogicalId(bucketRef: string): string {
  const alphanumeric = bucketRef.replace(/[^0-9A-Za-z]/g, '');
  return `S3Bucket${alphanumeric.charAt(0).toUpperCase()}${alphanumeric.slice(1)}`;
}

/** serverless-step-functions' getStateMachineLogicalId. */
export function stateMachineLogicalId(key: string, machine: PrintedStateMachine): string {
  const custom = machine.id ?? machine.name;
  return custom ? normalizedResourceName(custom) : `${normalizedResourceName(key)}StepFunctionsStateMachine`;
}

export const arns = {
  lambda: (region: string, name: string) => `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}`,
  stateMachine: (region: string, name: string) =>
    `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:stateMachine:${name}`,
  table: (region: string, name: string) => `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${name}`,
  bucket: (name: string) => `arn:aws:s3:::${name}`,
};

export function serviceName(config: PrintedServerlessConfig): string {
  return typeof config.service === 'string' ? config.service : config.service.name;
}

export function regionOf(config: PrintedServerlessConfig): string {
  return config.provider.region ?? 'us-east-1';
}

export function functionName(config: PrintedServerlessConfig, key: string): string {
  return config.functions?.[key]?.name ?? `${serviceName(config)}-${config.provider.stage}-${key}`;
}

export function stateMachineName(key: string, machine: PrintedStateMachine): string {
  return machine.name ?? stateMachineLogicalId(key, machine);
}

/** Names of buckets and tables may only use pseudo parameters: they are resolved before any resource is known. */
function namesContext(config: PrintedServerlessConfig): IntrinsicContext {
  const stackName = `${serviceName(config)}-${config.provider.stage}`;
  return {
    region: regionOf(config),
    accountId: LOCAL_ACCOUNT_ID,
    partition: LOCAL_PARTITION,
    stackName,
    resources: new Map(),
  };
}

/** The bucket a provider.s3 entry or an s3 event's `bucket` names: provider.s3.<ref>.name, else the ref itself. */
export function providerBucketName(config: PrintedServerlessConfig, bucketRef: string): string {
  const entry = config.provider.s3?.[bucketRef];
  if (entry?.name === undefined) return bucketRef;
  return resolveToString(entry.name, namesContext(config), `provider.s3.${bucketRef}.name`);
}

function bucketFacts(name: string): ResourceFacts {
  return {
    type: 'AWS::S3::Bucket',
    ref: name,
    attributes: {
      Arn: arns.bucket(name),
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.amazonaws.com`,
    },
  };
}

function tableFacts(region: string, name: string): ResourceFacts {
  const arn = arns.table(region, name);
  return {
    type: 'AWS::DynamoDB::Table',
    ref: name,
    attributes: { Arn: arn, StreamArn: `${arn}/stream/local` },
  };
}

/** A resource's physical name: its name property, else a stand-in for CloudFormation's generated name. */
export function physicalName(
  config: PrintedServerlessConfig,
  logicalId: string,
  properties: Readonly<Record<string, unknown>> | undefined,
  nameProperty: string,
): string {
  const value = properties?.[nameProperty];
  if (value === undefined)
    return `${serviceName(config)}-${config.provider.stage}-${logicalId}`.toLowerCase();
  return resolveToString(
    value,
    namesContext(config),
    `resources.Resources.${logicalId}.Properties.${nameProperty}`,
  );
}

function implicitEventBuckets(config: PrintedServerlessConfig): string[] {
  const refs = new Set<string>();
  for (const fn of Object.values(config.functions ?? {})) {
    for (const event of fn.events ?? []) {
      const s3 = event.s3;
      const ref = typeof s3 === 'string' ? s3 : isNewBucketEvent(s3) ? s3.bucket : undefined;
      if (ref !== undefined && config.provider.s3?.[ref] === undefined) refs.add(ref);
    }
  }
  return [...refs];
}

function isNewBucketEvent(s3: unknown): s3 is { bucket: string } {
  if (typeof s3 !== 'object' || s3 === null) return false;
  const event = s3 as Record<string, unknown>;
  return typeof event.bucket === 'string' && event.existing !== true;
}

export function buildIntrinsicContext(config: PrintedServerlessConfig): IntrinsicContext {
  const region = regionOf(config);
  const resources = new Map<string, ResourceFacts>();
  for (const key of Object.keys(config.functions ?? {})) {
    const name = functionName(config, key);
    resources.set(functionLogicalId(key), {
      type: 'AWS::Lambda::Function',
      ref: name,
      attributes: { Arn: arns.lambda(region, name) },
    });
  }
  for (const [key, machine] of Object.entries(config.stepFunctions?.stateMachines ?? {})) {
    const name = stateMachineName(key, machine);
    const arn = arns.stateMachine(region, name);
    resources.set(stateMachineLogicalId(key, machine), {
      type: 'AWS::StepFunctions::StateMachine',
      ref: arn,
      attributes: { Arn: arn, Name: name },
    });
  }
  for (const bucketRef of Object.keys(config.provider.s3 ?? {})) {
    resources.set(bucketLogicalId(bucketRef), bucketFacts(providerBucketName(config, bucketRef)));
  }
  // serverless creates a bucket for an s3 event naming one that is neither in provider.s3 nor `existing`.
  for (const bucketRef of implicitEventBuckets(config)) {
    resources.set(bucketLogicalId(bucketRef), bucketFacts(bucketRef));
  }
  for (const [logicalId, resource] of Object.entries(config.resources?.Resources ?? {})) {
    if (resource.Type === 'AWS::S3::Bucket') {
      resources.set(
        logicalId,
        bucketFacts(physicalName(config, logicalId, resource.Properties, 'BucketName')),
      );
    } else if (resource.Type === 'AWS::DynamoDB::Table') {
      resources.set(
        logicalId,
        tableFacts(region, physicalName(config, logicalId, resource.Properties, 'TableName')),
      );
    }
  }
  return { ...namesContext(config), resources };
}
