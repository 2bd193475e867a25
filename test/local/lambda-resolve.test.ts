import { describe, expect, it } from 'vitest';
import type { FunctionConfig, StateMachineConfig } from '../../local/config/stack-config.ts';
import { poolSizes } from '../../local/lambda/pool-sizes.ts';
import { createFunctionResolver } from '../../local/lambda/resolve-function.ts';

function fn(key: string, extra: Partial<FunctionConfig> = {}): FunctionConfig {
  const name = `svc-local-${key}`;
  return {
    key,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    handler: { module: `functions/${key}`, exportName: 'handler' },
    timeoutSeconds: 6,
    memorySizeMb: 1024,
    environment: {},
    s3Events: [],
    ...extra,
  };
}

const functions = {
  prep: fn('prep'),
  train: fn('train'),
  'select-best': fn('select-best', { reservedConcurrency: 1 }),
};
const resolve = createFunctionResolver(functions);

describe('createFunctionResolver', () => {
  it('maps every way serverless.yml can name a function to its key', () => {
    expect(resolve({ 'Fn::GetAtt': ['prep', 'Arn'] })).toBe('prep');
    expect(resolve({ 'Fn::GetAtt': ['SelectDashbestLambdaFunction', 'Arn'] })).toBe('select-best');
    expect(resolve({ 'Fn::GetAtt': 'TrainLambdaFunction.Arn' })).toBe('train');
    expect(resolve({ Ref: 'PrepLambdaFunction' })).toBe('prep');
    expect(resolve(functions.train.arn)).toBe('train');
    expect(resolve(`${functions.train.arn}:$LATEST`)).toBe('train');
    expect(
      resolve('arn:aws:states:::lambda:invoke', { FunctionName: { 'Fn::GetAtt': ['train', 'Arn'] } }),
    ).toBe('train');
    expect(resolve('arn:aws:states:::lambda:invoke', { FunctionName: 'svc-local-prep' })).toBe('prep');
    expect(resolve('arn:aws:states:::lambda:invoke', { FunctionName: `${functions.prep.arn}:live` })).toBe(
      'prep',
    );
  });

  it('names a resource that is not a function of the stack', () => {
    expect(() => resolve({ 'Fn::GetAtt': ['other', 'Arn'] })).toThrow(
      'Task resource {"Fn::GetAtt":["other","Arn"]} is not a function of this stack',
    );
    expect(() => resolve('arn:aws:states:::sqs:sendMessage')).toThrow(/is not a function of this stack/);
  });
});

describe('poolSizes', () => {
  const machine: StateMachineConfig = {
    key: 'training',
    name: 'svc-local-training',
    logicalId: 'Training',
    arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:svc-local-training',
    definition: {
      StartAt: 'Prep',
      States: {
        Prep: { Type: 'Task', Resource: { 'Fn::GetAtt': ['prep', 'Arn'] }, Next: 'Cells' },
        Cells: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Train',
            States: { Train: { Type: 'Task', Resource: { 'Fn::GetAtt': ['train', 'Arn'] }, End: true } },
          },
          Next: 'Best',
        },
        Best: { Type: 'Task', Resource: { 'Fn::GetAtt': ['select-best', 'Arn'] }, End: true },
      },
    },
  };

  it('gives a function a Map fans out to one sandbox per core, the others half, capped by reserved concurrency', () => {
    const config = { functions, stateMachines: [machine] };
    expect(poolSizes(config, resolve, {}, 8)).toEqual({ prep: 4, train: 8, 'select-best': 1 });
    expect(poolSizes(config, resolve, {}, 1)).toEqual({ prep: 1, train: 1, 'select-best': 1 });
  });

  it('takes an override, never beyond the cores', () => {
    const config = { functions, stateMachines: [machine] };
    expect(poolSizes(config, resolve, { prep: 3, train: 64 }, 4)).toEqual({
      prep: 3,
      train: 4,
      'select-best': 1,
    });
  });
});
