/**
 * Task semantics on the local engine with small definitions: Retry with BackoffRate (time-scaled),
 * Error/Cause as Lambda gives them to Catch, task timeouts, the lambda:invoke integration, the payload
 * limit and the context object.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { type EngineOptions, ExecutionEngine } from '../../../local/stepfunctions/engine.ts';
import { StepFunctionsApiError } from '../../../local/stepfunctions/errors.ts';
import {
  type FakeFunction,
  FakeLambdaInvoker,
  namedError,
  resolveFunctionKey,
} from './support/fake-invoker.ts';
import { ACCOUNT, machineSpec, REGION } from './support/local-aws.ts';

const RETRIED = ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'];

/** No S3 here: none of these definitions has a Distributed Map. */
async function engineFor(
  definition: Record<string, unknown>,
  functions: Record<string, FakeFunction>,
  options: Partial<EngineOptions> = {},
) {
  const spec = machineSpec('tasks', definition);
  const invoker = new FakeLambdaInvoker(functions);
  const engine = new ExecutionEngine({
    stateMachines: [spec],
    invoker,
    resolveFunction: resolveFunctionKey,
    s3: new S3Client({ region: REGION }),
    stateDir: await mkdtemp(join(tmpdir(), 'sfn-tasks-')),
    region: REGION,
    accountId: ACCOUNT,
    waitTimeScale: 0.05,
    ...options,
  });
  const run = async (input: unknown = {}, name?: string) => {
    const { executionArn } = await engine.start(spec.arn, name, JSON.stringify(input));
    await engine.idle();
    return { executionArn, execution: engine.describe(executionArn), history: engine.history(executionArn) };
  };
  return { engine, invoker, spec, run };
}

function task(functionKey: string, extra: Record<string, unknown> = {}) {
  return { Type: 'Task', Resource: { 'Fn::GetAtt': [functionKey, 'Arn'] }, ...extra };
}

describe('Retry', () => {
  it('waits IntervalSeconds × BackoffRate^n between attempts (scaled by waitTimeScale)', async () => {
    let attempt = 0;
    const { invoker, run } = await engineFor(
      {
        StartAt: 'Work',
        States: {
          Work: task('work', {
            Retry: [{ ErrorEquals: RETRIED, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
            End: true,
          }),
        },
      },
      {
        work: () => {
          attempt += 1;
          if (attempt <= 3) throw namedError('Lambda.ServiceException', `busy ${attempt}`);
          return { attempt };
        },
      },
    );
    const { execution } = await run();
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual({ attempt: 4 });
    const at = invoker.callsOf('work').map((call) => call.at);
    const gaps = at.slice(1).map((time, index) => time - at[index]);
    // 1 s, 2 s, 4 s at scale 0.05: 50, 100, 200 ms (timers may fire a millisecond early).
    expect(gaps[0]).toBeGreaterThanOrEqual(48);
    expect(gaps[1]).toBeGreaterThanOrEqual(98);
    expect(gaps[2]).toBeGreaterThanOrEqual(198);
    expect(gaps[2]).toBeLessThan(900);
  });

  it('gives up after MaxAttempts and Catch sees Error = errorType, Cause = the Lambda payload', async () => {
    const { invoker, run } = await engineFor(
      {
        StartAt: 'Work',
        States: {
          Work: task('work', {
            Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Caught' }],
            End: true,
          }),
          Caught: { Type: 'Pass', End: true },
        },
      },
      { work: () => Promise.reject(namedError('ModelError', 'cannot fit')) },
    );
    const { execution } = await run({ runId: 'r1' });
    expect(invoker.callsOf('work')).toHaveLength(3);
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '');
    expect(output.runId).toBe('r1');
    expect(output.failure.Error).toBe('ModelError');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({
      errorType: 'ModelError',
      errorMessage: 'cannot fit',
    });
  });

  it('fails the execution with the task error when nothing catches it', async () => {
    const { run } = await engineFor(
      { StartAt: 'Work', States: { Work: task('work', { End: true }) } },
      {
        work: () => {
          throw namedError('DataError', 'empty file');
        },
      },
    );
    const { execution, history } = await run();
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('DataError');
    expect(JSON.parse(execution.cause ?? '')).toMatchObject({
      errorType: 'DataError',
      errorMessage: 'empty file',
    });
    expect(history.at(-1)?.type).toBe('ExecutionFailed');
    expect(history.at(-1)?.executionFailedEventDetails?.error).toBe('DataError');
  });
});

describe('Task states', () => {
  it('times out after TimeoutSeconds with States.Timeout, which States.TaskFailed does not catch, and stops the invocation', async () => {
    let aborted = false;
    const { invoker, run } = await engineFor(
      {
        StartAt: 'Slow',
        States: {
          Slow: task('slow', {
            TimeoutSeconds: 1,
            Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }],
            End: true,
          }),
          Caught: { Type: 'Pass', End: true },
        },
      },
      {
        slow: () =>
          new Promise((resolve) => {
            setTimeout(() => resolve('late'), 3000).unref();
          }),
      },
    );
    const originalInvoke = invoker.invoke.bind(invoker);
    invoker.invoke = (key, event, options) => {
      options?.signal?.addEventListener('abort', () => {
        aborted = true;
      });
      return originalInvoke(key, event, options);
    };
    const started = performance.now();
    const { execution, history } = await run();
    expect(performance.now() - started).toBeLessThan(2500);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Timeout');
    expect(history.map((event) => event.type)).toContain('LambdaFunctionTimedOut');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(aborted).toBe(true);
  });

  it('runs arn:aws:states:::lambda:invoke with the Payload and wraps the result like AWS', async () => {
    const { invoker, run } = await engineFor(
      {
        StartAt: 'Invoke',
        States: {
          Invoke: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: {
              FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:echo`,
              'Payload.$': '$.body',
            },
            ResultSelector: { 'echoed.$': '$.Payload', 'status.$': '$.StatusCode' },
            End: true,
          },
        },
      },
      { echo: (event) => ({ got: event }) },
    );
    const { execution, history } = await run({ body: { n: 1 } });
    expect(invoker.callsOf('echo')[0].event).toEqual({ n: 1 });
    expect(JSON.parse(execution.output ?? '')).toEqual({ echoed: { got: { n: 1 } }, status: 200 });
    expect(history.map((event) => event.type)).toEqual(
      expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskSucceeded']),
    );
  });

  it('fails with States.DataLimitExceeded (not caught by States.ALL) when a result passes 256 KiB', async () => {
    const { run } = await engineFor(
      {
        StartAt: 'Big',
        States: {
          Big: task('big', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true }),
          Caught: { Type: 'Pass', End: true },
        },
      },
      { big: () => ({ blob: 'x'.repeat(300 * 1024) }) },
    );
    const { execution } = await run();
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
  });

  it('gives states the context object: $$.Execution and $$.StateMachine', async () => {
    const { spec, run } = await engineFor(
      {
        StartAt: 'Context',
        States: {
          Context: {
            Type: 'Pass',
            Parameters: {
              'id.$': '$$.Execution.Id',
              'name.$': '$$.Execution.Name',
              'input.$': '$$.Execution.Input',
              'start.$': '$$.Execution.StartTime',
              'machine.$': '$$.StateMachine.Id',
              'machineName.$': '$$.StateMachine.Name',
            },
            End: true,
          },
        },
      },
      {},
    );
    const { executionArn, execution } = await run({ a: 1 }, 'ctx-run');
    const output = JSON.parse(execution.output ?? '');
    expect(output).toMatchObject({
      id: executionArn,
      name: 'ctx-run',
      input: { a: 1 },
      machine: spec.arn,
      machineName: 'tasks',
    });
    expect(Math.abs(Date.parse(output.start) - (execution.startDate?.getTime() ?? 0))).toBeLessThan(50);
  });
});

describe('Fail states', () => {
  it('take Error and Cause from ErrorPath and CausePath', async () => {
    const { run } = await engineFor(
      {
        StartAt: 'Stop',
        States: { Stop: { Type: 'Fail', ErrorPath: '$.why.error', CausePath: '$.why.cause' } },
      },
      {},
    );
    const { execution } = await run({ why: { error: 'Custom.Error', cause: 'as the input says' } });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'as the input says' });
  });
});

describe('starting executions', () => {
  it('refuses bad names, bad input and unknown state machines with AWS error types', async () => {
    const { engine, spec } = await engineFor(
      { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      {},
    );
    const typeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (error instanceof StepFunctionsApiError ? error.type : String(error)),
      );
    await expect(typeOf(engine.start(spec.arn, 'has space', '{}'))).resolves.toBe('InvalidName');
    await expect(typeOf(engine.start(spec.arn, 'ok', '{not json'))).resolves.toBe('InvalidExecutionInput');
    await expect(typeOf(engine.start(`${spec.arn}-missing`, 'ok', '{}'))).resolves.toBe(
      'StateMachineDoesNotExist',
    );
    await expect(typeOf(engine.start('not-an-arn', 'ok', '{}'))).resolves.toBe('InvalidArn');
    const generated = await engine.start(spec.arn, undefined, '{}');
    expect(generated.executionArn).toMatch(/:execution:tasks:[0-9a-f-]{36}$/);
    await engine.idle();
  });
});
