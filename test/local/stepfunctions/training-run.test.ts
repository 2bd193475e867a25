/**
 * The real training state machine (state-machines/training.asl.yml) end to end on the local engine, with
 * schema-checked stand-ins for its Lambdas and s3rver for the Distributed Map's ItemReader/ResultWriter.
 */

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaFunctionError } from '../../../local/lambda/types.ts';
import { namedError } from './support/fake-invoker.ts';
import { BUCKET, type LocalS3, machineSpec, startLocalS3, testEngine } from './support/local-aws.ts';
import { trainingDefinition } from './support/training-definition.ts';
import {
  CV_CELLS,
  cellId,
  readJson,
  TRAINING_INPUT,
  trainingFunctions,
} from './support/training-functions.ts';

let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3();
});
afterAll(async () => {
  await local.stop();
});

const training = () => machineSpec('synergy-dev-training', trainingDefinition(2));

function types(events: HistoryEvent[]): string[] {
  return events.map((event) => event.type ?? '');
}

describe('the training state machine on the local engine', () => {
  it('runs prep → plan → distributed cells → refits → evaluate → register → promote → finish', async () => {
    const { functions } = trainingFunctions(local.s3);
    const { engine, invoker } = await testEngine(local, [training()], functions);
    const { executionArn } = await engine.start(training().arn, 'run-ok', TRAINING_INPUT);
    await engine.idle();

    const execution = engine.describe(executionArn);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '{}');
    expect(output.runId).toBe('run-ok');
    expect(output.refits).toHaveLength(2);
    expect(output.promotion).toEqual({ modelName: 'iris', champion: 1 });
    expect(output.cells.MapRunArn).toMatch(
      /^arn:aws:states:us-east-1:123456789012:mapRun:synergy-dev-training\/Cells:[0-9a-f-]{36}$/,
    );
    const mapRunId = output.cells.MapRunArn.split(':').pop();
    expect(output.cells.ResultWriterDetails).toEqual({
      Bucket: BUCKET,
      Key: `runs/run-ok/results/${mapRunId}/manifest.json`,
    });

    const trainedCells = invoker
      .callsOf('train')
      .map((call) => (call.event as { cell: { kind: string } }).cell.kind);
    expect(trainedCells.filter((kind) => kind === 'cv')).toHaveLength(CV_CELLS.length);
    expect(trainedCells.filter((kind) => kind === 'refit')).toHaveLength(2);

    const history = engine.history(executionArn);
    const names = types(history);
    expect(names[0]).toBe('ExecutionStarted');
    expect(names.at(-1)).toBe('ExecutionSucceeded');
    for (const type of [
      'PassStateEntered',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionSucceeded',
      'MapStateEntered',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapIterationStarted',
      'ChoiceStateEntered',
    ]) {
      expect(names).toContain(type);
    }
    expect(history.map((event) => event.id)).toEqual(history.map((_, index) => index + 1));
    const cellsEntered = history.find(
      (event) => event.type === 'MapStateEntered' && event.stateEnteredEventDetails?.name === 'Cells',
    );
    expect(cellsEntered).toBeDefined();
  });

  it('writes the Distributed Map results in AWS ResultWriter layout', async () => {
    const { functions } = trainingFunctions(local.s3);
    const { engine } = await testEngine(local, [training()], functions);
    const { executionArn } = await engine.start(training().arn, 'run-layout', TRAINING_INPUT);
    await engine.idle();
    const { cells } = JSON.parse(engine.describe(executionArn).output ?? '{}');
    const mapRunId = cells.MapRunArn.split(':').pop();

    const manifest = (await readJson(local.s3, BUCKET, cells.ResultWriterDetails.Key)) as {
      DestinationBucket: string;
      MapRunArn: string;
      ResultFiles: Record<string, { Key: string; Size: number }[]>;
    };
    expect(manifest.DestinationBucket).toBe(BUCKET);
    expect(manifest.MapRunArn).toBe(cells.MapRunArn);
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    expect(manifest.ResultFiles.PENDING).toEqual([]);
    expect(manifest.ResultFiles.SUCCEEDED).toEqual([
      { Key: `runs/run-layout/results/${mapRunId}/SUCCEEDED_0.json`, Size: expect.any(Number) },
    ]);
    const succeeded = (await readJson(local.s3, BUCKET, manifest.ResultFiles.SUCCEEDED[0].Key)) as Record<
      string,
      unknown
    >[];
    expect(succeeded).toHaveLength(CV_CELLS.length);
    expect(Object.keys(succeeded[0])).toEqual([
      'ExecutionArn',
      'Input',
      'InputDetails',
      'Name',
      'Output',
      'OutputDetails',
      'RedriveCount',
      'RedriveStatus',
      'RedriveStatusReason',
      'StartDate',
      'StateMachineArn',
      'Status',
      'StopDate',
    ]);
    expect(succeeded[0].ExecutionArn).toBe(
      `arn:aws:states:us-east-1:123456789012:execution:synergy-dev-training/Cells:${succeeded[0].Name}`,
    );
    expect(succeeded[0].StateMachineArn).toBe(`${training().arn}/Cells`);
    expect(succeeded.map((entry) => JSON.parse(entry.Output as string).cellId)).toEqual(CV_CELLS.map(cellId));
    const firstInput = JSON.parse(succeeded[0].Input as string);
    expect(firstInput).toEqual({
      runId: 'run-layout',
      dataset: { bucket: BUCKET, key: 'runs/run-layout/prepared.bin' },
      cell: CV_CELLS[0],
    });
  });

  it('retries a transient Lambda.ServiceException in one cell and the run succeeds', async () => {
    const flaky = cellId(CV_CELLS[4]);
    let thrown = 0;
    const { functions, failures } = trainingFunctions(local.s3, {
      cell: (cell) => {
        if (cellId(cell) === flaky && thrown === 0) {
          thrown += 1;
          throw LambdaFunctionError.service('train', 'Lambda.ServiceException', 'Rate exceeded');
        }
      },
    });
    const { engine, invoker } = await testEngine(local, [training()], functions);
    const { executionArn } = await engine.start(training().arn, 'run-flaky', TRAINING_INPUT);
    await engine.idle();

    expect(engine.describe(executionArn).status).toBe('SUCCEEDED');
    expect(failures).toEqual([]);
    const flakyCalls = invoker
      .callsOf('train')
      .filter((call) => cellId((call.event as { cell: CvCell }).cell) === flaky);
    expect(flakyCalls).toHaveLength(2);
    // IntervalSeconds 1 × waitTimeScale 0.01: the retry waited ~10 ms, not a real second.
    const gap = flakyCalls[1].at - flakyCalls[0].at;
    expect(gap).toBeGreaterThanOrEqual(9);
    expect(gap).toBeLessThan(900);
  });

  it('sends a permanent cell failure through Catch to RecordFailure and fails the execution', async () => {
    const broken = cellId(CV_CELLS[2]);
    const { functions, failures } = trainingFunctions(local.s3, {
      cell: (cell) => {
        if (cellId(cell) === broken) throw namedError('DataError', 'fold 2 has a single class');
      },
    });
    const { engine, invoker } = await testEngine(local, [training()], functions);
    const { executionArn } = await engine.start(training().arn, 'run-broken', TRAINING_INPUT);
    await engine.idle();

    const execution = engine.describe(executionArn);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Synergy.RunFailed');
    expect(failures).toHaveLength(1);
    expect(failures[0].runId).toBe('run-broken');
    expect(failures[0].failure.Error).toBe('States.ExceedToleratedFailureThreshold');
    expect(failures[0].failure.Cause).toContain('DataError');
    expect(failures[0].failure.Cause).toContain('fold 2 has a single class');
    expect(invoker.callsOf('selectBest')).toHaveLength(0);
    // A handler error is not one of the retried Lambda service errors: one attempt only.
    expect(
      invoker.callsOf('train').filter((call) => cellId((call.event as { cell: CvCell }).cell) === broken),
    ).toHaveLength(1);
  });

  it('gives RecordFailure the Lambda error payload as Cause when a task fails', async () => {
    const { functions, failures } = trainingFunctions(local.s3, {
      prep: () => {
        throw namedError('DataError', 'the target column is missing');
      },
    });
    const { engine } = await testEngine(local, [training()], functions);
    const { executionArn } = await engine.start(training().arn, 'run-prep-fails', TRAINING_INPUT);
    await engine.idle();

    expect(engine.describe(executionArn).status).toBe('FAILED');
    expect(failures).toHaveLength(1);
    expect(failures[0].failure.Error).toBe('DataError');
    const cause = JSON.parse(failures[0].failure.Cause ?? '');
    expect(cause).toMatchObject({ errorType: 'DataError', errorMessage: 'the target column is missing' });
    expect(cause.trace).toEqual(expect.any(Array));
    const failedEvent = engine.history(executionArn).find((event) => event.type === 'LambdaFunctionFailed');
    expect(failedEvent?.lambdaFunctionFailedEventDetails?.error).toBe('DataError');
  });
});

type CvCell = (typeof CV_CELLS)[number];
