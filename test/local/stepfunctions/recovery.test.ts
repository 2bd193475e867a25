/**
 * Executions are persisted as JSON files and survive a restart; an execution the previous process left
 * RUNNING is driven through its state's Catch (Synergy.LocalRuntimeStopped) by recover(), or fails
 * directly when nothing catches it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineOptions } from '../../../local/stepfunctions/engine.ts';
import type { FakeFunction } from './support/fake-invoker.ts';
import { type LocalS3, machineSpec, startLocalS3, testEngine } from './support/local-aws.ts';
import { trainingDefinition } from './support/training-definition.ts';
import { TRAINING_INPUT, trainingFunctions } from './support/training-functions.ts';

let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3();
});
afterAll(async () => {
  await local.stop();
});

const training = () => machineSpec('synergy-dev-training', trainingDefinition(2));

/** A function that never finishes: the runtime stops while it runs. */
function hangs(started: () => void): FakeFunction {
  return () => {
    started();
    return new Promise(() => {});
  };
}

async function untilCalled(run: (started: () => void) => Promise<void>): Promise<void> {
  let started!: () => void;
  const called = new Promise<void>((resolve) => {
    started = resolve;
  });
  await run(started);
  await called;
}

async function restartedEngine(
  stateDir: string,
  functions: Record<string, FakeFunction>,
  overrides: Partial<EngineOptions> = {},
) {
  return testEngine(local, [training()], functions, { stateDir, ...overrides });
}

describe('persistence and recovery', () => {
  it('keeps finished executions on disk for the next process to list and describe', async () => {
    const { functions } = trainingFunctions(local.s3);
    const first = await testEngine(local, [training()], functions);
    const { executionArn } = await first.engine.start(training().arn, 'persisted', TRAINING_INPUT);
    await first.engine.idle();
    await first.engine.close();

    const files = await readdir(join(first.stateDir, 'executions', 'synergy-dev-training'));
    expect(files).toEqual(['persisted.json']);
    const second = await restartedEngine(first.stateDir, functions);
    expect(second.engine.describe(executionArn).status).toBe('SUCCEEDED');
    expect(second.engine.list(training().arn).map((item) => item.name)).toEqual(['persisted']);
    expect(second.engine.history(executionArn)).toEqual(first.engine.history(executionArn));
  });

  it('drives an execution interrupted in a task through its Catch to RecordFailure', async () => {
    const { functions } = trainingFunctions(local.s3);
    let first!: Awaited<ReturnType<typeof testEngine>>;
    await untilCalled(async (started) => {
      first = await testEngine(local, [training()], { ...functions, selectBest: hangs(started) });
      await first.engine.start(training().arn, 'interrupted', TRAINING_INPUT);
    });
    await first.engine.close();
    const file = join(first.stateDir, 'executions', 'synergy-dev-training', 'interrupted.json');
    const persisted = JSON.parse(await readFile(file, 'utf8'));
    expect(persisted.status).toBe('RUNNING');
    expect(persisted.openState.name).toBe('SelectBest');

    const recorded = trainingFunctions(local.s3);
    const second = await restartedEngine(first.stateDir, recorded.functions);
    await second.engine.recover();
    await second.engine.idle();

    const executionArn = `${training().arn.replace(':stateMachine:', ':execution:')}:interrupted`;
    const execution = second.engine.describe(executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Synergy.RunFailed');
    expect(recorded.failures).toEqual([
      expect.objectContaining({
        runId: 'interrupted',
        failure: {
          Error: 'Synergy.LocalRuntimeStopped',
          Cause: 'the local runtime stopped during state SelectBest',
        },
      }),
    ]);
    // The rest of the run kept its state: RecordFailure saw the run's input and Plan's output.
    const recordFailureEvent = second.invoker.callsOf('recordFailure')[0].event as {
      request: unknown;
      plan: unknown;
    };
    expect(recordFailureEvent.request).toEqual(JSON.parse(TRAINING_INPUT));
    expect(recordFailureEvent.plan).toBeDefined();
    const types = second.engine.history(executionArn).map((event) => event.type);
    expect(types.filter((type) => type === 'ExecutionStarted')).toHaveLength(1);
    expect(types.slice(-4)).toEqual([
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(types).toContain('LambdaFunctionFailed');
    expect(JSON.parse(await readFile(file, 'utf8')).status).toBe('FAILED');
  });

  it("drives an execution interrupted inside the Distributed Map through the Map state's Catch", async () => {
    const { functions } = trainingFunctions(local.s3);
    let first!: Awaited<ReturnType<typeof testEngine>>;
    await untilCalled(async (started) => {
      first = await testEngine(local, [training()], { ...functions, train: hangs(started) });
      await first.engine.start(training().arn, 'in-map', TRAINING_INPUT);
    });
    await first.engine.close();

    const recorded = trainingFunctions(local.s3);
    const second = await restartedEngine(first.stateDir, recorded.functions);
    await second.engine.recover();
    await second.engine.idle();
    expect(recorded.failures[0]?.failure.Cause).toBe('the local runtime stopped during state Cells');
    expect(second.invoker.callsOf('train')).toHaveLength(0);
  });

  it('fails an interrupted execution directly when its state has no Catch', async () => {
    const definition = {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: { 'Fn::GetAtt': ['work', 'Arn'] }, End: true } },
    };
    const spec = machineSpec('no-catch', definition);
    let first!: Awaited<ReturnType<typeof testEngine>>;
    await untilCalled(async (started) => {
      first = await testEngine(local, [spec], { work: hangs(started) });
      await first.engine.start(spec.arn, 'stuck', '{}');
    });
    await first.engine.close();

    const second = await testEngine(
      local,
      [spec],
      { work: () => 'never called' },
      { stateDir: first.stateDir },
    );
    await second.engine.recover();
    await second.engine.idle();
    const execution = second.engine.describe(`${spec.arn.replace(':stateMachine:', ':execution:')}:stuck`);
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'Synergy.LocalRuntimeStopped',
      cause: 'the local runtime stopped during state Work',
    });
    expect(second.invoker.calls).toHaveLength(0);
  });

  it('refuses new executions once closed', async () => {
    const { engine } = await testEngine(local, [training()], {});
    await engine.close();
    await expect(engine.start(training().arn, 'late', TRAINING_INPUT)).rejects.toMatchObject({
      type: 'ServiceUnavailable',
    });
  });
});
