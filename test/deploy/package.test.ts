/**
 * `serverless package`, offline and without AWS credentials, once for the whole file: the CloudFormation
 * template must hold the training state machine (Distributed Map + ResultWriter, valid ASL), every function
 * with its own least-privilege role and only the env it needs, the encrypted private versioned bucket whose
 * incoming/*.csv notifications start runs, and both tables; and every packaged function must load in plain
 * Node with that env.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintStateMachine, validateWithAslValidator } from '../../local/stepfunctions/asl-lint.ts';
import { offlineEnv, packageOffline } from './package-offline.ts';
import {
  asList,
  referencedId,
  resource,
  resourcesOfType,
  roleStatements,
  type Template,
} from './template.ts';
import { zipEntries } from './zip-entries.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STAGE = 'pkgtest';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

interface FunctionSpec {
  readonly key: string;
  readonly file: string;
  /** The resource variables serverless.yml gives it (besides the provider-wide ones). */
  readonly env: readonly string[];
  /** Its bundle reaches the model registry, so SVC, so libsvm-js must ship next to it. */
  readonly libsvm: boolean;
}

const FUNCTIONS: readonly FunctionSpec[] = [
  { key: 'startRun', file: 'start-run', env: ['RUNS_TABLE', 'TRAINING_STATE_MACHINE_ARN'], libsvm: false },
  { key: 'prep', file: 'prep', env: ['DATA_BUCKET', 'RUNS_TABLE'], libsvm: true },
  { key: 'plan', file: 'plan', env: ['DATA_BUCKET', 'RUNS_TABLE'], libsvm: true },
  { key: 'train', file: 'train', env: ['DATA_BUCKET', 'RUNS_TABLE'], libsvm: true },
  { key: 'selectBest', file: 'select-best', env: ['RUNS_TABLE'], libsvm: true },
  { key: 'evaluate', file: 'evaluate', env: ['DATA_BUCKET', 'RUNS_TABLE'], libsvm: true },
  {
    key: 'register',
    file: 'register',
    env: ['DATA_BUCKET', 'RUNS_TABLE', 'REGISTRY_TABLE', 'CODE_VERSION'],
    libsvm: true,
  },
  { key: 'promote', file: 'promote', env: ['RUNS_TABLE', 'REGISTRY_TABLE'], libsvm: true },
  { key: 'finishRun', file: 'finish-run', env: ['RUNS_TABLE'], libsvm: true },
  { key: 'recordFailure', file: 'record-failure', env: ['RUNS_TABLE'], libsvm: false },
  {
    key: 'predict',
    file: 'predict',
    env: [
      'DATA_BUCKET',
      'REGISTRY_TABLE',
      'SERVING_ALIAS_TTL_SECONDS',
      'MODEL_CACHE_SIZE',
      'CAPTURE_SAMPLE_RATE',
      'CAPTURE_BATCH_ROWS',
      'CAPTURE_BATCH_SECONDS',
    ],
    libsvm: false,
  },
  { key: 'authorizer', file: 'authorizer', env: ['API_KEYS_TABLE'], libsvm: false },
  { key: 'batchTransform', file: 'batch-transform', env: ['DATA_BUCKET', 'REGISTRY_TABLE'], libsvm: false },
];
/** Functions the training state machine invokes (the others answer S3 events or HTTP requests). */
const NOT_IN_PIPELINE = new Set(['startRun', 'predict', 'authorizer', 'batchTransform']);
/** Handlers of API Gateway events: an empty event is answered, not refused by name. */
const HTTP_FUNCTIONS = new Set(['predict', 'authorizer']);
const PROVIDER_ENV = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE'];
/** Services whose resources hold or move data: a statement on them never targets "*". */
const DATA_SERVICES = ['s3', 'dynamodb', 'lambda', 'states', 'sqs', 'sns', 'kms', 'secretsmanager', 'ssm'];

const logicalId = (key: string): string => key[0].toUpperCase() + key.slice(1);
const functionName = (key: string): string => `synergy-${STAGE}-${key}`;

let outDir: string;
let template: Template;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'synergy-package-'));
  await packageOffline(root, STAGE, join(outDir, 'package'));
  template = JSON.parse(
    await readFile(join(outDir, 'package', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}, 300_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The state machine definition with each function placeholder of its Fn::Sub turned into a Lambda ARN. */
function trainingDefinition(): Record<string, unknown> {
  const [, stateMachine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0];
  const [text, variables] = (stateMachine.Properties.DefinitionString as { 'Fn::Sub': [string, object] })[
    'Fn::Sub'
  ];
  const resolved = text.replace(/\$\{(\w+)\}/g, (placeholder, name: string) => {
    const target = referencedId((variables as Record<string, unknown>)[name]);
    if (!target) throw new Error(`unresolvable ${placeholder} in the definition`);
    const fn = resource(template, target).Properties.FunctionName as string;
    return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`;
  });
  return JSON.parse(resolved) as Record<string, unknown>;
}

type State = Record<string, unknown> & { readonly Type: string };

function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]): [string, State][] => {
    const processor = (state.ItemProcessor ?? state.Iterator) as
      | { States: Record<string, State> }
      | undefined;
    return [[name, state], ...(processor ? allStates(processor.States) : [])];
  });
}

describe('the training state machine', () => {
  it('is named for the stage, runs under its own role, logs errors and traces', () => {
    const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    expect(machines.map(([id]) => id)).toEqual(['TrainingStateMachine']);
    expect(machines[0][1].Properties).toMatchObject({
      StateMachineName: `synergy-${STAGE}-training`,
      RoleArn: { 'Fn::GetAtt': ['TrainingStateMachineRole', 'Arn'] },
      LoggingConfiguration: { Level: 'ERROR' },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('fans the cells out in a Distributed Map that reads the manifest from S3 and writes results to S3', () => {
    const states = allStates((trainingDefinition() as { States: Record<string, State> }).States);
    const distributed = states.filter(
      ([, state]) =>
        (state.ItemProcessor as { ProcessorConfig?: { Mode?: string } })?.ProcessorConfig?.Mode ===
        'DISTRIBUTED',
    );
    expect(distributed.map(([name]) => name)).toEqual(['Cells']);
    const [, cells] = distributed[0];
    expect(cells).toMatchObject({
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' } },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' },
    });
    // A `--param` arrives as a string; the definition must keep a number or AWS rejects it.
    expect(cells.MaxConcurrency).toBe(1000);
  });

  it('invokes every pipeline function and nothing else', () => {
    const states = allStates((trainingDefinition() as { States: Record<string, State> }).States);
    const invoked = new Set(states.filter(([, s]) => s.Type === 'Task').map(([, s]) => s.Resource as string));
    const pipeline = FUNCTIONS.filter(({ key }) => !NOT_IN_PIPELINE.has(key)).map(
      ({ key }) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName(key)}`,
    );
    expect([...invoked].sort()).toEqual([...pipeline].sort());
  });

  it('is valid ASL (asl-validator) and runs faithfully on the local runtime (lint)', () => {
    const definition = trainingDefinition();
    expect(validateWithAslValidator(definition)).toEqual([]);
    expect(lintStateMachine(definition)).toEqual([]);
  });
});

describe('the functions', () => {
  it.each(FUNCTIONS)(
    '$key is packaged with its handler, its own role and only the env it needs',
    ({ key, file, env }) => {
      const fn = resource(template, `${logicalId(key)}LambdaFunction`);
      expect(fn.Properties).toMatchObject({
        FunctionName: functionName(key),
        Handler: `functions/${file}.handler`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Role: { 'Fn::GetAtt': [`${logicalId(key)}Role`, 'Arn'] },
      });
      const variables = Object.keys((fn.Properties.Environment as { Variables: object }).Variables);
      expect(variables.sort()).toEqual([...PROVIDER_ENV, ...env].sort());
    },
  );

  it('have one role each and no shared execution role', () => {
    const roles = FUNCTIONS.map(({ key }) =>
      referencedId(resource(template, `${logicalId(key)}LambdaFunction`).Properties.Role),
    );
    expect(new Set(roles).size).toBe(FUNCTIONS.length);
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('give the fitting functions 3008 MB and the full 15 minutes', () => {
    for (const key of ['prep', 'train', 'evaluate']) {
      expect(resource(template, `${logicalId(key)}LambdaFunction`).Properties, key).toMatchObject({
        MemorySize: 3008,
        Timeout: 900,
      });
    }
  });
});

describe('the data bucket', () => {
  it('is encrypted, private and versioned', () => {
    expect(resource(template, 'S3BucketData').Properties).toMatchObject({
      BucketName: `synergy-${STAGE}-${REGION}-data`,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('notifies startRun of CSVs under incoming/ and batchTransform of CSVs under batch/, with permissions', () => {
    const bucket = resource(template, 'S3BucketData');
    const subscription = (functionId: string, prefix: string) => ({
      Event: 's3:ObjectCreated:*',
      Function: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Filter: {
        S3Key: {
          Rules: [
            { Name: 'prefix', Value: prefix },
            { Name: 'suffix', Value: '.csv' },
          ],
        },
      },
    });
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      LambdaConfigurations: expect.arrayContaining([
        subscription('StartRunLambdaFunction', 'incoming/'),
        subscription('BatchTransformLambdaFunction', 'batch/'),
      ]),
    });
    expect(
      (bucket.Properties.NotificationConfiguration as { LambdaConfigurations: unknown[] })
        .LambdaConfigurations,
    ).toHaveLength(2);
    const s3Permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      ([, permission]) => permission.Properties.Principal === 's3.amazonaws.com',
    );
    expect(s3Permissions).toHaveLength(2);
    for (const [permissionId, permission] of s3Permissions) {
      expect(permission.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(
        `:s3:::synergy-${STAGE}-${REGION}-data`,
      );
      expect(asList(bucket.DependsOn ?? [])).toContain(permissionId);
    }
  });
});

describe('the tables', () => {
  it.each(['RunsTable', 'RegistryTable'])(
    '%s is on-demand with point-in-time recovery and encryption',
    (id) => {
      expect(resource(template, id).Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      });
    },
  );

  it('lists runs newest first through the byCreated index', () => {
    expect(resource(template, 'RunsTable').Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byCreated',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });
});

describe('the HTTP API', () => {
  const routes = () =>
    resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);

  it('serves the three protocols from the predict function', () => {
    const keys = routes()
      .map((route) => route.RouteKey as string)
      .sort();
    expect(keys).toEqual(
      [
        'GET /v2/health/live',
        'GET /v2/health/ready',
        'GET /v2/models/{name}',
        'GET /v2/models/{name}/ready',
        'GET /v2/models/{name}/versions/{version}',
        'GET /v2/models/{name}/versions/{version}/ready',
        'POST /models/{name}/invocations',
        'POST /models/{name}/predict',
        'POST /models/{name}/versions/{version}/invocations',
        'POST /models/{name}/versions/{version}/predict',
        'POST /v2/models/{name}/infer',
        'POST /v2/models/{name}/versions/{version}/infer',
      ].sort(),
    );
  });

  it('requires the API-key authorizer on every route but the health checks', () => {
    for (const route of routes()) {
      const open = (route.RouteKey as string).startsWith('GET /v2/health/');
      expect(route.AuthorizationType, route.RouteKey as string).toBe(open ? undefined : 'CUSTOM');
      if (!open) expect(route.AuthorizerId, route.RouteKey as string).toBeDefined();
    }
    const authorizers = resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0][1].Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
    });
    expect(JSON.stringify(authorizers[0][1].Properties.AuthorizerUri)).toContain('AuthorizerLambdaFunction');
  });

  it('keeps API keys in their own encrypted table, keyed by key id', () => {
    expect(resource(template, 'ApiKeysTable').Properties).toMatchObject({
      TableName: `synergy-${STAGE}-api-keys`,
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      KeySchema: [{ AttributeName: 'keyId', KeyType: 'HASH' }],
    });
    const statements = roleStatements(resource(template, 'AuthorizerRole'));
    const dynamo = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => asList(s.Action))).toEqual(['dynamodb:GetItem']);
    expect(JSON.stringify(dynamo.map((s) => s.Resource))).toContain('ApiKeysTable');
  });
});

describe('IAM', () => {
  it('grants no action on a data resource to "*"', () => {
    const roles = resourcesOfType(template, 'AWS::IAM::Role');
    expect(roles.length).toBe(FUNCTIONS.length + 1);
    const wildcard = roles.flatMap(([id, role]) =>
      roleStatements(role)
        .filter((statement) =>
          asList(statement.Action).some((action) => DATA_SERVICES.includes(action.split(':')[0])),
        )
        .filter((statement) => asList(statement.Resource).some((target) => target === '*'))
        .map((statement) => `${id}: ${asList(statement.Action).join(', ')}`),
    );
    expect(wildcard).toEqual([]);
  });

  it.each(FUNCTIONS)('$key may write only to its own log group', ({ key }) => {
    const role = resource(template, `${logicalId(key)}Role`);
    const logs = roleStatements(role).filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0].Resource)).toContain(`:log-group:/aws/lambda/${functionName(key)}:*`);
  });

  it('lets the state machine start its own child executions, read the manifest and write results', () => {
    const statements = roleStatements(resource(template, 'TrainingStateMachineRole'));
    const targetsOf = (action: string): string =>
      JSON.stringify(statements.filter((s) => asList(s.Action).includes(action)).map((s) => s.Resource));
    expect(targetsOf('states:StartExecution')).toContain(`:stateMachine:synergy-${STAGE}-training`);
    expect(targetsOf('s3:GetObject')).toContain('/runs/*/cells.json');
    expect(targetsOf('s3:PutObject')).toContain('/runs/*/results/*');
    expect(targetsOf('lambda:InvokeFunction')).toContain(`:function:${functionName('train')}`);
  });
});

describe('the packaged bundles', () => {
  const run = promisify(execFile);

  /** An env value as the template gives it, with table and state machine references resolved. */
  function resolveEnvValue(value: unknown): string {
    if (typeof value === 'string') return value;
    const id = referencedId(value);
    const target = id === undefined ? undefined : resource(template, id);
    if (target?.Type === 'AWS::DynamoDB::Table') return target.Properties.TableName as string;
    if (target?.Type === 'AWS::StepFunctions::StateMachine') {
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${target.Properties.StateMachineName as string}`;
    }
    throw new Error(`cannot resolve env value ${JSON.stringify(value)}`);
  }

  async function unpack(key: string): Promise<{ dir: string; names: string[] }> {
    const dir = join(outDir, 'unpacked', key);
    const entries = zipEntries(await readFile(join(outDir, 'package', `${key}.zip`)));
    for (const entry of entries) {
      await mkdir(dirname(join(dir, entry.name)), { recursive: true });
      await writeFile(join(dir, entry.name), entry.bytes);
    }
    // The nodejs22.x runtime provides the AWS SDK v3 (it is external in every bundle): stand in for it.
    await mkdir(join(dir, 'node_modules'), { recursive: true });
    await symlink(join(root, 'node_modules', '@aws-sdk'), join(dir, 'node_modules', '@aws-sdk'), 'dir');
    return { dir, names: entries.map((entry) => entry.name) };
  }

  /** Imports the bundle in a fresh Node with the function's env and invokes it with an empty event. */
  const INVOKE = `
    const { handler } = await import(process.argv[1]);
    const context = { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 60000 };
    try { console.log(JSON.stringify({ result: await handler({}, context) })); }
    catch (error) { console.log(JSON.stringify({ errorType: error.name, errorMessage: error.message })); }`;

  it.each(FUNCTIONS)(
    '$key loads in Node with its env and refuses an empty event by name',
    async ({ key, file, libsvm }) => {
      const { dir, names } = await unpack(key);
      expect(names).toContain(`functions/${file}.mjs`);
      expect(names.includes('node_modules/libsvm-js/out/wasm/libsvm.wasm')).toBe(libsvm);
      // The SDK comes from the runtime: shipping it would be megabytes per function for nothing.
      expect(names.filter((name) => name.includes('@aws-sdk/'))).toEqual([]);
      const variables = (
        resource(template, `${logicalId(key)}LambdaFunction`).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      const env = {
        ...offlineEnv(outDir),
        ...Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [name, resolveEnvValue(value)]),
        ),
        AWS_REGION: REGION,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      };
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', INVOKE, join(dir, 'functions', `${file}.mjs`)],
        { env, cwd: dir, timeout: 60_000 },
      );
      const outcome = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
      if (HTTP_FUNCTIONS.has(key)) {
        // API Gateway never sends an empty event; what matters is that the bundle loads and answers.
        expect(outcome).toHaveProperty('result');
        return;
      }
      expect(outcome).toMatchObject({ errorType: 'InvalidEventError' });
      expect(outcome.errorMessage).toMatch(new RegExp(`^${key}: invalid event: \\w+`));
    },
  );
});
