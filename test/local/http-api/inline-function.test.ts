import { describe, expect, it } from 'vitest';
import { InlineFunction } from '../../../local/http-api/inline-function.ts';
import type { Handler } from '../../../local/lambda/handler-runtime.ts';
import { LambdaFunctionError } from '../../../local/lambda/types.ts';

function inline(handler: Handler, timeoutSeconds = 5): InlineFunction {
  return new InlineFunction(handler, {
    functionKey: 'api',
    bundlePath: '',
    exportName: 'handler',
    handlerName: 'api.handler',
    enableSourceMaps: false,
    timeoutSeconds,
    context: {
      functionName: 'svc-dev-api',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:svc-dev-api',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/svc-dev-api',
      logStreamName: 'stream',
    },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InlineFunction', () => {
  it('runs one invocation at a time, in arrival order, each with its own request id and deadline', async () => {
    const log: string[] = [];
    const seen: { id: string; remaining: number }[] = [];
    const fn = inline(async (event, context) => {
      const n = (event as { n: number }).n;
      log.push(`start ${n}`);
      seen.push({ id: context.awsRequestId, remaining: context.getRemainingTimeInMillis() });
      await sleep(n === 1 ? 30 : 1);
      log.push(`end ${n}`);
      return { n };
    });
    const results = await Promise.all([1, 2, 3].map((n) => fn.invoke({ n })));
    expect(results).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(new Set(seen.map((s) => s.id)).size).toBe(3);
    for (const { remaining } of seen) expect(remaining).toBeGreaterThan(4_000);
  });

  it('answers null for undefined, as Lambda serializes it', async () => {
    await expect(inline(async () => undefined).invoke({})).resolves.toBeNull();
  });

  it('reports a thrown error as the function error, with its name as errorType', async () => {
    const fn = inline(async () => {
      throw new RangeError('out of range');
    });
    const error = await fn.invoke({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdaFunctionError);
    expect(error).toMatchObject({ errorType: 'RangeError', message: 'out of range', functionKey: 'api' });
  });

  it('times out a handler past its deadline, ignores its late answer and starts the next one', async () => {
    let slowFinished = false;
    const fn = inline(async (event) => {
      if ((event as { slow: boolean }).slow) {
        await sleep(1_300);
        slowFinished = true;
        return 'late';
      }
      return 'fast';
    }, 1);
    const started = Date.now();
    const slow = fn.invoke({ slow: true }).catch((e: unknown) => e);
    const next = fn.invoke({ slow: false });
    const error = await slow;
    expect(error).toMatchObject({
      errorType: 'Sandbox.Timedout',
      message: 'Task timed out after 1.00 seconds',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(slowFinished).toBe(false);
    await expect(next).resolves.toBe('fast');
  });

  it('times out a later invocation at its own deadline after earlier ones ended in time', async () => {
    const fn = inline(async (event) => {
      await sleep((event as { ms: number }).ms);
      return 'done';
    }, 1);
    await expect(fn.invoke({ ms: 700 })).resolves.toBe('done');
    const started = Date.now();
    const error = await fn.invoke({ ms: 1_500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ errorType: 'Sandbox.Timedout' });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(waited).toBeLessThan(1_400);
  });
});
