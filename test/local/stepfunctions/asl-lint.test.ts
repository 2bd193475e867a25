/**
 * The lint passes the real training definition and names, by state path, every feature the local runner
 * cannot run faithfully; asl-validator accepts the real definition once Fn::GetAtt becomes an ARN. The
 * engine refuses a definition with problems.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { lintStateMachine, validateWithAslValidator } from '../../../local/stepfunctions/asl-lint.ts';
import { ExecutionEngine } from '../../../local/stepfunctions/engine.ts';
import { UnsupportedDefinitionError } from '../../../local/stepfunctions/errors.ts';
import { FakeLambdaInvoker, resolveFunctionKey } from './support/fake-invoker.ts';
import { machineSpec } from './support/local-aws.ts';
import { trainingDefinition } from './support/training-definition.ts';

const lambda = { 'Fn::GetAtt': ['work', 'Arn'] };

function oneState(state: Record<string, unknown>, top: Record<string, unknown> = {}) {
  return { ...top, StartAt: 'S', States: { S: { End: true, ...state } } };
}

function distributed(fields: Record<string, unknown>, executionType = 'STANDARD') {
  return oneState({
    Type: 'Map',
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
      StartAt: 'W',
      States: { W: { Type: 'Task', Resource: lambda, End: true } },
    },
    ...fields,
  });
}

const reader = (overrides: Record<string, unknown>) => ({
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig: { InputType: 'JSON' },
  Parameters: { Bucket: 'b', Key: 'k' },
  ...overrides,
});

describe('lintStateMachine', () => {
  it('passes the real training definition, and asl-validator accepts it', () => {
    expect(lintStateMachine(trainingDefinition())).toEqual([]);
    expect(validateWithAslValidator(trainingDefinition())).toEqual([]);
  });

  it.each([
    [
      'JSONata for the whole machine',
      oneState({ Type: 'Pass' }, { QueryLanguage: 'JSONata' }),
      'QueryLanguage',
      /JSONata/,
    ],
    [
      'JSONata in one state',
      oneState({ Type: 'Pass', QueryLanguage: 'JSONata' }),
      'States.S.QueryLanguage',
      /JSONata/,
    ],
    ['Assign', oneState({ Type: 'Pass', Assign: { x: 1 } }), 'States.S.Assign', /Assign/],
    [
      'Assign in a Catch',
      oneState({
        Type: 'Task',
        Resource: lambda,
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S', Assign: { e: 1 } }],
      }),
      'States.S.Catch[0].Assign',
      /Assign/,
    ],
    ['Output', oneState({ Type: 'Pass', Output: '{% $states.input %}' }), 'States.S.Output', /JSONata/],
    [
      'Arguments',
      oneState({ Type: 'Task', Resource: lambda, Arguments: { a: 1 } }),
      'States.S.Arguments',
      /JSONata/,
    ],
    [
      '.waitForTaskToken',
      oneState({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }),
      'States.S.Resource',
      /waitForTaskToken/,
    ],
    [
      '.sync',
      oneState({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2' }),
      'States.S.Resource',
      /\.sync/,
    ],
    [
      'another service',
      oneState({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem' }),
      'States.S.Resource',
      /not a Lambda function/,
    ],
    [
      'HeartbeatSeconds',
      oneState({ Type: 'Task', Resource: lambda, HeartbeatSeconds: 10 }),
      'States.S.HeartbeatSeconds',
      /not supported/,
    ],
    [
      'TimeoutSecondsPath',
      oneState({ Type: 'Task', Resource: lambda, TimeoutSecondsPath: '$.t' }),
      'States.S.TimeoutSecondsPath',
      /TimeoutSeconds/,
    ],
    [
      '$$.State',
      oneState({ Type: 'Pass', Parameters: { 'entered.$': '$$.State.EnteredTime' } }),
      'States.S.Parameters.entered.$',
      /\$\$\.State\.EnteredTime/,
    ],
    [
      '$$.Task.Token in an intrinsic',
      oneState({ Type: 'Pass', Parameters: { 'x.$': "States.Format('{}', $$.Task.Token)" } }),
      'States.S.Parameters.x.$',
      /\$\$\.Task\.Token/,
    ],
    [
      'ItemBatcher',
      distributed({ ItemBatcher: { MaxItemsPerBatch: 10 } }),
      'States.S.ItemBatcher',
      /ItemBatcher/,
    ],
    [
      'a CSV ItemReader',
      distributed({
        ItemReader: reader({ ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' } }),
      }),
      'States.S.ItemReader.ReaderConfig.InputType',
      /JSON/,
    ],
    [
      'an ItemReader listing objects',
      distributed({ ItemReader: reader({ Resource: 'arn:aws:states:::s3:listObjectsV2' }) }),
      'States.S.ItemReader.Resource',
      /getObject/,
    ],
    [
      'MaxItemsPath',
      distributed({ ItemReader: reader({ ReaderConfig: { InputType: 'JSON', MaxItemsPath: '$.n' } }) }),
      'States.S.ItemReader.ReaderConfig.MaxItemsPath',
      /not supported/,
    ],
    [
      'another ResultWriter',
      distributed({ ResultWriter: { Resource: 'arn:aws:states:::s3:upload', Parameters: { Bucket: 'b' } } }),
      'States.S.ResultWriter.Resource',
      /putObject/,
    ],
    [
      'WriterConfig',
      distributed({
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: 'b' },
          WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSON' },
        },
      }),
      'States.S.ResultWriter.WriterConfig',
      /WriterConfig/,
    ],
    [
      'ToleratedFailurePercentagePath',
      distributed({ ToleratedFailurePercentagePath: '$.p' }),
      'States.S.ToleratedFailurePercentagePath',
      /not supported/,
    ],
    [
      'ToleratedFailureCountPath',
      distributed({ ToleratedFailureCountPath: '$.c' }),
      'States.S.ToleratedFailureCountPath',
      /not supported/,
    ],
    [
      'MaxConcurrencyPath on a Distributed Map',
      distributed({ MaxConcurrencyPath: '$.m' }),
      'States.S.MaxConcurrencyPath',
      /not supported/,
    ],
    [
      'EXPRESS children',
      distributed({}, 'EXPRESS'),
      'States.S.ItemProcessor.ProcessorConfig.ExecutionType',
      /EXPRESS/,
    ],
    [
      'States.TaskFailed on a Distributed Map',
      distributed({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'S' }] }),
      'States.S.Catch[0].ErrorEquals',
      /TaskFailed/,
    ],
    [
      'ResultWriter on an inline Map',
      oneState({
        Type: 'Map',
        ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Pass', End: true } } },
        ResultWriter: {},
      }),
      'States.S.ResultWriter',
      /DISTRIBUTED/,
    ],
  ])('reports %s', (_feature, definition, path, message) => {
    const problems = lintStateMachine(definition);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports a JSONata state nested in an inline Map with its full path', () => {
    const definition = oneState({
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Inner',
        States: { Inner: { Type: 'Pass', QueryLanguage: 'JSONata', End: true } },
      },
    });
    expect(lintStateMachine(definition)).toContainEqual({
      path: 'States.S.ItemProcessor.States.Inner.QueryLanguage',
      message: expect.stringMatching(/JSONata/),
    });
  });

  it('reports two tasks of one name running different functions in one execution', () => {
    const definition = {
      StartAt: 'Split',
      States: {
        Split: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Do',
              States: { Do: { Type: 'Task', Resource: { 'Fn::GetAtt': ['a', 'Arn'] }, End: true } },
            },
            {
              StartAt: 'Do',
              States: { Do: { Type: 'Task', Resource: { 'Fn::GetAtt': ['b', 'Arn'] }, End: true } },
            },
          ],
          End: true,
        },
      },
    };
    expect(lintStateMachine(definition)).toContainEqual({
      path: 'States.Split.Branches[1].States.Do',
      message: expect.stringMatching(/same execution/),
    });
  });

  it('accepts what the local runner does run: $$.Map.Item in ItemSelector, Label, tolerated failures, lambda:invoke', () => {
    const definition = distributed({
      ItemsPath: '$.items',
      ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index', 'run.$': '$$.Execution.Name' },
      Label: 'Fan',
      ToleratedFailureCount: 2,
      ToleratedFailurePercentage: 10,
      MaxConcurrency: 0,
    });
    expect(lintStateMachine(definition)).toEqual([]);
    expect(
      lintStateMachine(
        oneState({
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'f', 'Payload.$': '$' },
        }),
      ),
    ).toEqual([]);
  });

  it('has asl-validator report a structurally invalid definition', () => {
    expect(
      validateWithAslValidator({ StartAt: 'Missing', States: { S: { Type: 'Pass', End: true } } }),
    ).not.toEqual([]);
  });
});

describe('the engine', () => {
  it('refuses a definition the local runner cannot run faithfully, naming each problem', async () => {
    const definition = oneState({
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    });
    const construct = async () =>
      new ExecutionEngine({
        stateMachines: [machineSpec('bad', definition)],
        invoker: new FakeLambdaInvoker({}),
        resolveFunction: resolveFunctionKey,
        s3: new S3Client({ region: 'us-east-1' }),
        stateDir: await mkdtemp(join(tmpdir(), 'sfn-lint-')),
        region: 'us-east-1',
        accountId: '123456789012',
      });
    const error = await construct().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UnsupportedDefinitionError);
    expect((error as UnsupportedDefinitionError).problems).toContainEqual({
      path: 'States.S.Resource',
      message: expect.stringMatching(/waitForTaskToken/),
    });
  });
});
