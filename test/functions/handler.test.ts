/**
 * The handler builder at the edge: a bad event fails with InvalidEventError naming the field, a use case's
 * error leaves the handler with its own name (Step Functions' Catch and the run record read it) after being
 * logged once with its cause, and the abort signal fires before the Lambda deadline.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConflictError } from '../../layers/core/errors.ts';
import { lambdaContext } from './lambda-context.ts';
import { stubLambdaEnv } from './lambda-env.ts';
import { type MemoryDeps, memoryDeps } from './memory-deps.ts';
import { sampleEvent } from './sample-events.ts';

stubLambdaEnv();
const { lambdaHandler } = await import('../../layers/aws/lambda/handler.ts');
const { logger } = await import('../../layers/aws/lambda/observability.ts');
const { setDepsForTest } = await import('../../layers/aws/wiring.ts');
const prep = await import('../../functions/prep.ts');
const train = await import('../../functions/train.ts');

let deps: MemoryDeps;
beforeAll(() => {
  deps = memoryDeps();
  setDepsForTest(deps);
});
afterEach(() => vi.restoreAllMocks());

describe('an invalid event', () => {
  it('fails with InvalidEventError naming the missing field', async () => {
    const event = await sampleEvent('prep');
    delete (event.request as Record<string, unknown>).modelName;
    const failure = prep.handler(event, lambdaContext('prep'));
    await expect(failure).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { function: 'prep', field: 'request.modelName' },
    });
    await expect(failure).rejects.toThrow(/^prep: invalid event: request\.modelName: /);
  });

  it('names a nested field with array indices and enum problems', async () => {
    const event = await sampleEvent('train');
    (event.cell as Record<string, unknown>).model = 'Perceptron';
    await expect(train.handler(event, lambdaContext('train'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'cell.model' },
    });
  });

  it('does not reach the use case', async () => {
    const runsBefore = await deps.experiments.listRuns();
    await expect(prep.handler({ runId: '' }, lambdaContext('prep'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'runId' },
    });
    expect(await deps.experiments.listRuns()).toEqual(runsBefore);
  });
});

describe('a failing use case', () => {
  it('leaves the handler with its own error name, message and instance', async () => {
    const event = await sampleEvent('prep');
    const trigger = (event.request as { trigger: { bucket: string; key: string } }).trigger;
    // The second record has one field fewer than the header: prepareCsv's DataError.
    deps.artifacts.put({ bucket: trigger.bucket, key: trigger.key }, 'a,b,label\n1,2,x\n3,y\n');
    const failure = prep.handler(event, lambdaContext('prep'));
    await expect(failure).rejects.toMatchObject({ name: 'DataError' });
    const run = await deps.experiments.getRun(event.runId as string);
    expect(run?.status).toBe('RUNNING');
  });

  it('is logged once with its cause and context, then rethrown unchanged', async () => {
    const logged = vi.spyOn(logger, 'error');
    const cause = new Error('ConditionalCheckFailedException');
    const thrown = new ConflictError('run r1 is SUCCEEDED', { runId: 'r1' }, { cause });
    const handler = lambdaHandler({
      functionKey: 'finishRun',
      event: z.object({ runId: z.string() }),
      handle: async () => {
        throw thrown;
      },
    });
    await expect(handler({ runId: 'r1' }, lambdaContext('finishRun'))).rejects.toBe(thrown);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith('finishRun failed: ConflictError: run r1 is SUCCEEDED', thrown);
    expect(thrown.cause).toBe(cause);
  });
});

describe('the Lambda deadline', () => {
  it('aborts the handler signal and fails with LambdaDeadlineError before the deadline', async () => {
    let sawAbort = false;
    const handler = lambdaHandler({
      functionKey: 'train',
      event: z.object({}),
      timeoutEarlyInMillis: 500,
      handle: (_event, { signal }) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('stopped by the signal'));
          });
        }),
    });
    const started = Date.now();
    await expect(handler({}, lambdaContext('train', 1_000))).rejects.toMatchObject({
      name: 'LambdaDeadlineError',
      context: { function: 'train', timeoutEarlyInMillis: 500 },
    });
    const elapsed = Date.now() - started;
    expect(sawAbort).toBe(true);
    // The signal fires at remaining − timeoutEarlyInMillis = 500 ms, well before the 1 s deadline.
    expect(elapsed).toBeGreaterThanOrEqual(480);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('lets a handler that finishes in time return its result', async () => {
    const handler = lambdaHandler({
      functionKey: 'plan',
      event: z.object({ n: z.number() }),
      timeoutEarlyInMillis: 100,
      handle: async ({ n }) => ({ doubled: n * 2 }),
    });
    await expect(handler({ n: 21 }, lambdaContext('plan', 5_000))).resolves.toEqual({ doubled: 42 });
  });
});
