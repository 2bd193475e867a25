/**
 * The Distributed Map harness: ItemReader (s3:getObject JSON, MaxItems), ItemsPath, ItemSelector with
 * $$.Map.Item, MaxConcurrency (and the local cap for 0), tolerated failures, ResultWriter's FAILED and
 * PENDING files, and reader errors reaching Catch.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineOptions } from '../../../local/stepfunctions/engine.ts';
import { type FakeFunction, namedError } from './support/fake-invoker.ts';
import { BUCKET, type LocalS3, machineSpec, startLocalS3, testEngine } from './support/local-aws.ts';
import { readJson } from './support/training-functions.ts';

let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3();
  await local.s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'items/letters.json',
      Body: JSON.stringify(['a', 'b', 'c', 'd', 'e']),
    }),
  );
});
afterAll(async () => {
  await local.stop();
});

function distributedMap(fields: Record<string, unknown>, processorRetry?: unknown[]) {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: { 'Fn::GetAtt': ['work', 'Arn'] },
              ...(processorRetry ? { Retry: processorRetry } : {}),
              End: true,
            },
          },
        },
        ...fields,
        End: true,
      },
    },
  };
}

async function run(
  definition: Record<string, unknown>,
  work: FakeFunction,
  input: unknown = {},
  options: Partial<EngineOptions> = {},
) {
  const spec = machineSpec('fan', definition);
  const { engine, invoker } = await testEngine(local, [spec], { work }, options);
  const { executionArn } = await engine.start(spec.arn, undefined, JSON.stringify(input));
  await engine.idle();
  return { execution: engine.describe(executionArn), history: engine.history(executionArn), invoker };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the local Distributed Map', () => {
  it('reads a JSON array with ItemReader (MaxItems) and builds child inputs with ItemSelector and $$.Map.Item', async () => {
    const { execution, invoker } = await run(
      distributedMap({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON', MaxItems: 3 },
          Parameters: { 'Bucket.$': '$.source.bucket', Key: 'items/letters.json' },
        },
        ItemSelector: { 'letter.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'tag.$': '$.tag' },
      }),
      (event) => ({ echoed: event }),
      { source: { bucket: BUCKET }, tag: 't1' },
    );
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '')).toEqual([
      { echoed: { letter: 'a', index: 0, tag: 't1' } },
      { echoed: { letter: 'b', index: 1, tag: 't1' } },
      { echoed: { letter: 'c', index: 2, tag: 't1' } },
    ]);
    expect(invoker.callsOf('work')).toHaveLength(3);
  });

  it('takes items from ItemsPath and never runs more than MaxConcurrency children at once', async () => {
    const { execution, invoker } = await run(
      distributedMap({ ItemsPath: '$.numbers', MaxConcurrency: 2 }),
      async (event) => {
        await sleep(20);
        return (event as number) * 10;
      },
      { numbers: [1, 2, 3, 4, 5, 6] },
    );
    expect(JSON.parse(execution.output ?? '')).toEqual([10, 20, 30, 40, 50, 60]);
    expect(invoker.maxConcurrent).toBe(2);
  });

  it('caps MaxConcurrency 0 (unbounded on AWS) at the local distributedMapConcurrency', async () => {
    const { invoker } = await run(
      distributedMap({ ItemsPath: '$.numbers', MaxConcurrency: 0 }),
      async () => {
        await sleep(20);
        return null;
      },
      { numbers: [1, 2, 3, 4, 5, 6, 7, 8] },
      { distributedMapConcurrency: 3 },
    );
    expect(invoker.maxConcurrent).toBe(3);
  });

  it('tolerates up to ToleratedFailureCount failed children and reports them in the output', async () => {
    const { execution } = await run(
      distributedMap({ ItemsPath: '$.numbers', ToleratedFailureCount: 1 }),
      (event) => {
        if (event === 2) throw namedError('OddError', 'two is odd today');
        return event;
      },
      { numbers: [1, 2, 3] },
    );
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '');
    expect(output[0]).toBe(1);
    expect(output[1].Error).toBe('OddError');
    expect(output[2]).toBe(3);
  });

  it('fails on the failure past ToleratedFailurePercentage', async () => {
    const failing = new Set([1, 2, 3]);
    const percentage = (failures: number) =>
      run(
        distributedMap({ ItemsPath: '$.numbers', ToleratedFailurePercentage: 50, MaxConcurrency: 1 }),
        (event) => {
          if (failing.has(event as number) && (event as number) <= failures)
            throw namedError('Boom', `item ${event}`);
          return event;
        },
        { numbers: [1, 2, 3, 4] },
      );
    expect((await percentage(2)).execution.status).toBe('SUCCEEDED');
    const over = await percentage(3);
    expect(over.execution.status).toBe('FAILED');
    expect(over.execution.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  it('fails the Map Run on the first failure by default, writing FAILED and PENDING result files', async () => {
    const { execution, history } = await run(
      distributedMap({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: BUCKET, Key: 'items/letters.json' },
        },
        MaxConcurrency: 1,
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: BUCKET, Prefix: 'out/fan' },
        },
      }),
      (event) => {
        if (event === 'b') throw namedError('LetterError', 'no b');
        return { ok: event };
      },
    );
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(execution.cause).toContain('LetterError');
    const mapRunArn =
      history.find((event) => event.type === 'MapRunStarted')?.mapRunStartedEventDetails?.mapRunArn ?? '';
    expect(history.map((event) => event.type)).toContain('MapRunFailed');
    const mapRunId = mapRunArn.split(':').pop();
    const manifest = (await readJson(local.s3, BUCKET, `out/fan/${mapRunId}/manifest.json`)) as {
      ResultFiles: Record<string, { Key: string }[]>;
    };
    const files: Record<string, Record<string, unknown>[]> = Object.fromEntries(
      await Promise.all(
        (['SUCCEEDED', 'FAILED', 'PENDING'] as const).map(async (status) => [
          status,
          (await readJson(local.s3, BUCKET, manifest.ResultFiles[status][0].Key)) as Record<
            string,
            unknown
          >[],
        ]),
      ),
    );
    expect(files.SUCCEEDED.map((entry) => entry.Output)).toEqual([JSON.stringify({ ok: 'a' })]);
    expect(files.FAILED).toHaveLength(1);
    expect(files.FAILED[0]).toMatchObject({ Error: 'LetterError', Status: 'FAILED', Input: '"b"' });
    expect(JSON.parse(files.FAILED[0].Cause as string)).toMatchObject({ errorMessage: 'no b' });
    expect(files.PENDING.map((entry) => entry.Input)).toEqual(['"c"', '"d"', '"e"']);
  });

  it('retries inside the child (ItemProcessor Retry) before counting a failure', async () => {
    const attempts = new Map<unknown, number>();
    const { execution } = await run(
      distributedMap({ ItemsPath: '$.numbers' }, [
        { ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 },
      ]),
      (event) => {
        attempts.set(event, (attempts.get(event) ?? 0) + 1);
        if (attempts.get(event) === 1) throw namedError('Lambda.ServiceException', 'throttled');
        return event;
      },
      { numbers: [1, 2] },
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect([...attempts.values()]).toEqual([2, 2]);
  });

  it('fails with States.ItemReaderFailed, which Catch handles, when the items object is missing', async () => {
    const definition = distributedMap({
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: BUCKET, Key: 'items/missing.json' },
      },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Caught' }],
    }) as { States: Record<string, unknown> };
    definition.States.Caught = { Type: 'Pass', End: true };
    const { execution } = await run(definition, () => null, { keep: true });
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '');
    expect(output.keep).toBe(true);
    expect(output.failure.Error).toBe('States.ItemReaderFailed');
    expect(output.failure.Cause).toContain('items/missing.json');
  });
});
