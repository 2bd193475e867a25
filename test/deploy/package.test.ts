/**
 * `serverless package`, offline and without AWS credentials, once for the whole file (it is the slow part:
 * every check of the packaged stack belongs here rather than in a second file that packages again): the
 * CloudFormation template must hold the training state machine (Distributed Map + ResultWriter, valid ASL),
 * every function with its own least-privilege role and only the env it needs, the encrypted private
 * versioned bucket whose notifications start runs, batch transforms and feedback, the tables, the HTTP API,
 * and the monitoring loop (the monitor's schedule, retrain's alarm rule and schedule, alarms and registry
 * events granted under the stage's names only); and every packaged function must load in plain Node with
 * that env.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../layers/aws/lambda/env.ts';
import { parseFeedbackEnv, parseMonitorEnv, parseRetrainEnv } from '../../layers/aws/monitoring-wiring.ts';
import { lintStateMachine, validateWithAslValidator } from '../../local/stepfunctions/asl-lint.ts';
import { FUNCTIONS, NOT_IN_PIPELINE } from './function-specs.ts';
import { offlineEnv, packageOffline } from './package-offline.ts';
import {
  asList,
  eventRulesOf,
  functionEnvironment,
  type Place,
  referencedId,
  resource,
  resourcesOfType,
  roleStatements,
  statementsGranting,
  type Template,
} from './template.ts';
import { zipEntries } from './zip-entries.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STAGE = 'pkgtest';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const PLACE: Place = { region: REGION, account: ACCOUNT };
const DATA_BUCKET = `synergy-${STAGE}-${REGION}-data`;
const ALARM_PREFIX = `synergy-${STAGE}-`;

const PROVIDER_ENV = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE'];
/** Services whose resources hold or move data: a statement on them never targets "*". */
const DATA_SERVICES = ['s3', 'dynamodb', 'lambda', 'states', 'sqs', 'sns', 'kms', 'secretsmanager', 'ssm'];

const logicalId = (key: string): string => key[0].toUpperCase() + key.slice(1);
const functionName = (key: string): string => `synergy-${STAGE}-${key}`;
const functionId = (key: string): string => `${logicalId(key)}LambdaFunction`;
const roleId = (key: string): string => `${logicalId(key)}Role`;

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

/** A function's environment variables as its Lambda would see them (references resolved). */
const environmentOf = (key: string): Record<string, string> =>
  functionEnvironment(template, functionId(key), PLACE);
/** The roles with a statement granting `action`. */
const rolesGranting = (action: string): string[] =>
  resourcesOfType(template, 'AWS::IAM::Role')
    .filter(([, role]) => statementsGranting(role, action).length > 0)
    .map(([id]) => id);
/** Every resource the statements of a role granting `action` name. */
const targetsOf = (role: string, action: string): unknown[] =>
  statementsGranting(resource(template, role), action).flatMap((statement) => asList(statement.Resource));

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
      const fn = resource(template, functionId(key));
      expect(fn.Properties).toMatchObject({
        FunctionName: functionName(key),
        Handler: `functions/${file}.handler`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Role: { 'Fn::GetAtt': [roleId(key), 'Arn'] },
      });
      const variables = Object.keys((fn.Properties.Environment as { Variables: object }).Variables);
      expect(variables.sort()).toEqual([...PROVIDER_ENV, ...env].sort());
    },
  );

  it('have one role each and no shared execution role', () => {
    const roles = FUNCTIONS.map(({ key }) =>
      referencedId(resource(template, functionId(key)).Properties.Role),
    );
    expect(new Set(roles).size).toBe(FUNCTIONS.length);
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it("price the run report's cost estimate at each pipeline function's own memory (finishRun, recordFailure)", () => {
    const pipeline = FUNCTIONS.filter(({ key }) => !NOT_IN_PIPELINE.has(key) && key !== 'recordFailure');
    for (const writer of ['finishRun', 'recordFailure']) {
      const priced = JSON.parse(environmentOf(writer).FUNCTION_MEMORY_MB) as Record<string, unknown>;
      expect(Object.keys(priced).sort(), writer).toEqual(pipeline.map(({ key }) => key).sort());
      for (const { key } of pipeline) {
        expect(priced[key], key).toBe(resource(template, functionId(key)).Properties.MemorySize);
      }
    }
  });

  it('give the fitting functions 3008 MB and the full 15 minutes', () => {
    for (const key of ['prep', 'train', 'evaluate']) {
      expect(resource(template, functionId(key)).Properties, key).toMatchObject({
        MemorySize: 3008,
        Timeout: 900,
      });
    }
  });
});

describe('the data bucket', () => {
  it('is encrypted, private and versioned', () => {
    expect(resource(template, 'S3BucketData').Properties).toMatchObject({
      BucketName: DATA_BUCKET,
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

  it('notifies startRun of CSVs under incoming/, batchTransform under batch/ and feedback under feedback/', () => {
    const bucket = resource(template, 'S3BucketData');
    const subscription = (key: string, prefix: string) => ({
      Event: 's3:ObjectCreated:*',
      Function: { 'Fn::GetAtt': [functionId(key), 'Arn'] },
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
        subscription('startRun', 'incoming/'),
        subscription('batchTransform', 'batch/'),
        subscription('feedback', 'feedback/'),
      ]),
    });
    expect(
      (bucket.Properties.NotificationConfiguration as { LambdaConfigurations: unknown[] })
        .LambdaConfigurations,
    ).toHaveLength(3);
  });

  it('lets S3 invoke exactly the three notified functions, from this bucket and account', () => {
    const bucket = resource(template, 'S3BucketData');
    const s3Permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      ([, permission]) => permission.Properties.Principal === 's3.amazonaws.com',
    );
    expect(
      s3Permissions.map(([, permission]) => referencedId(permission.Properties.FunctionName)).sort(),
    ).toEqual(['BatchTransformLambdaFunction', 'FeedbackLambdaFunction', 'StartRunLambdaFunction']);
    for (const [permissionId, permission] of s3Permissions) {
      expect(permission.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`:s3:::${DATA_BUCKET}"`);
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

describe('the monitoring loop', () => {
  it('gives each monitoring handler an env it accepts at cold start, with the same settings', () => {
    const monitor = parseMonitorEnv(environmentOf('monitor'));
    expect(monitor.settings).toMatchObject({
      alarmPrefix: ALARM_PREFIX,
      namespace: 'Synergy',
      service: 'synergy',
    });
    expect(parseFeedbackEnv(environmentOf('feedback')).settings).toEqual(monitor.settings);
    expect(parseRetrainEnv(environmentOf('retrain'))).toMatchObject({ ALARM_PREFIX });
    for (const key of ['register', 'promote']) {
      expect(parseEnv(['EVENT_BUS_NAME'], environmentOf(key)), key).toEqual({
        EVENT_BUS_NAME: 'default',
      });
    }
  });

  it('runs the monitor every hour, and on each new model version (to put its alarms)', () => {
    const { rules, permissions } = eventRulesOf(template, functionId('monitor'));
    const properties = rules.map((rule) => rule.Properties);
    expect(properties).toHaveLength(2);
    expect(properties).toContainEqual(
      expect.objectContaining({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' }),
    );
    expect(properties).toContainEqual(
      expect.objectContaining({
        State: 'ENABLED',
        EventPattern: { source: ['synergy.registry'], 'detail-type': ['ModelVersionCreated'] },
      }),
    );
    expect(permissions).toHaveLength(rules.length);
  });

  it('runs retrain on our alarms going to ALARM, and every 7 days', () => {
    const { rules, permissions } = eventRulesOf(template, functionId('retrain'));
    const properties = rules.map((rule) => rule.Properties);
    expect(properties).toHaveLength(2);
    expect(properties).toContainEqual(
      expect.objectContaining({
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { alarmName: [{ prefix: ALARM_PREFIX }], state: { value: ['ALARM'] } },
        },
      }),
    );
    expect(properties).toContainEqual(
      expect.objectContaining({ ScheduleExpression: 'rate(7 days)', State: 'ENABLED' }),
    );
    expect(permissions).toHaveLength(rules.length);
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

  it.each(FUNCTIONS)('$key names every resource its role grants (no "*")', ({ key }) => {
    const wildcards = roleStatements(resource(template, roleId(key)))
      .filter((statement) => asList(statement.Resource).some((target) => target === '*'))
      .map((statement) => asList(statement.Action).join(', '));
    expect(wildcards).toEqual([]);
  });

  it.each(FUNCTIONS)('$key may write only to its own log group', ({ key }) => {
    const role = resource(template, roleId(key));
    const logs = roleStatements(role).filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0].Resource)).toContain(`:log-group:/aws/lambda/${functionName(key)}:*`);
  });

  it('lets the state machine start its own child executions, read the manifest and write results', () => {
    const targets = (action: string): string => JSON.stringify(targetsOf('TrainingStateMachineRole', action));
    expect(targets('states:StartExecution')).toContain(`:stateMachine:synergy-${STAGE}-training`);
    expect(targets('s3:GetObject')).toContain('/runs/*/cells.json');
    expect(targets('s3:PutObject')).toContain('/runs/*/results/*');
    expect(targets('lambda:InvokeFunction')).toContain(`:function:${functionName('train')}`);
  });

  it('lets the roles that look for optional objects list the data bucket, and feedback only capture/', () => {
    // Without ListBucket S3 answers a missing object with 403, not 404; the monitor also lists capture/.
    const unconditional = ['FinishRunRole', 'MonitorRole', 'PrepRole', 'RecordFailureRole', 'RegisterRole'];
    expect(rolesGranting('s3:ListBucket').sort()).toEqual([...unconditional, 'FeedbackRole'].sort());
    const bucketArn = { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${DATA_BUCKET}` };
    const grants = (role: string) =>
      statementsGranting(resource(template, role), 's3:ListBucket').map(({ Resource, Condition }) => ({
        Resource,
        Condition,
      }));
    for (const role of unconditional) {
      expect(grants(role), role).toEqual([{ Resource: bucketArn, Condition: undefined }]);
    }
    expect(grants('FeedbackRole')).toEqual([
      { Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['capture/*'] } } },
    ]);
  });

  it('lets monitor and feedback put and read alarms under the stage prefix only, and nobody else', () => {
    const alarms = `:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${ALARM_PREFIX}*`;
    const putters = rolesGranting('cloudwatch:PutMetricAlarm');
    expect(putters.sort()).toEqual(['FeedbackRole', 'MonitorRole']);
    for (const role of putters) {
      for (const action of ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms']) {
        const targets = targetsOf(role, action);
        expect(targets, `${role} ${action}`).toHaveLength(1);
        expect(JSON.stringify(targets[0])).toContain(alarms);
      }
    }
  });

  it('lets register and promote put events on the default bus only, and nobody else', () => {
    const publishers = rolesGranting('events:PutEvents');
    expect(publishers.sort()).toEqual(['PromoteRole', 'RegisterRole']);
    for (const role of publishers) {
      const targets = targetsOf(role, 'events:PutEvents');
      expect(targets, role).toHaveLength(1);
      expect(JSON.stringify(targets[0])).toContain(
        `:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
      );
    }
  });

  it('lets retrain start only the training state machine', () => {
    const targets = targetsOf('RetrainRole', 'states:StartExecution');
    expect(targets).toHaveLength(1);
    expect(JSON.stringify(targets[0])).toContain(`:stateMachine:synergy-${STAGE}-training`);
  });
});

describe('the packaged bundles', () => {
  const run = promisify(execFile);

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
    async ({ key, file, libsvm, missingField }) => {
      const { dir, names } = await unpack(key);
      expect(names).toContain(`functions/${file}.mjs`);
      expect(names.includes('node_modules/libsvm-js/out/wasm/libsvm.wasm')).toBe(libsvm);
      // The SDK comes from the runtime: shipping it would be megabytes per function for nothing.
      expect(names.filter((name) => name.includes('@aws-sdk/'))).toEqual([]);
      const env = {
        ...offlineEnv(outDir),
        ...environmentOf(key),
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
      if (missingField === undefined) {
        // API Gateway never sends an empty event; what matters is that the bundle loads and answers.
        expect(outcome).toHaveProperty('result');
        return;
      }
      expect(outcome).toMatchObject({
        errorType: 'InvalidEventError',
        errorMessage: expect.stringMatching(new RegExp(`^${key}: invalid event: ${missingField}: `)),
      });
    },
  );
});
