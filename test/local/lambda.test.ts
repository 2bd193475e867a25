import { rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionConfig } from '../../local/config/stack-config.ts';
import type { Bundles } from '../../local/lambda/bundle.ts';
import { bundleFunctions } from '../../local/lambda/bundle.ts';
import { FaultInjector } from '../../local/lambda/faults.ts';
import { LocalLambdaInvoker } from '../../local/lambda/invoker.ts';
import { createFunctionResolver } from '../../local/lambda/resolve-function.ts';
import { LambdaFunctionError } from '../../local/lambda/types.ts';
import { FunctionPool } from '../../local/lambda/worker-pool.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/app', import.meta.url));
const ESBUILD = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outputFileExtension: '.mjs',
  sourcemap: true,
  external: ['zod'],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
};
const ENDPOINTS = {
  s3: 'http://127.0.0.1:4569',
  dynamodb: 'http://127.0.0.1:4567',
  stepfunctions: 'http://127.0.0.1:8083',
  cloudwatch: 'http://127.0.0.1:4582',
  eventbridge: 'http://127.0.0.1:4587',
  region: 'eu-west-1',
};

function fn(key: string, overrides: Partial<FunctionConfig>): FunctionConfig {
  const name = `fixture-test-${key}`;
  return {
    key,
    name,
    arn: `arn:aws:lambda:eu-west-1:000000000000:function:${name}`,
    handler: { module: `functions/${key}`, exportName: 'handler' },
    timeoutSeconds: 3,
    memorySizeMb: 128,
    environment: { NODE_OPTIONS: '--enable-source-maps', STAGE: 'test', GREETING: 'hi' },
    s3Events: [],
    ...overrides,
  };
}

const functions = { echo: fn('echo', { timeoutSeconds: 2 }), fail: fn('fail', { timeoutSeconds: 1 }) };
const config = { functions, stateMachines: [], runtime: 'nodejs22.x' };
const logs: string[] = [];
let bundles: Bundles;
let invoker: LocalLambdaInvoker;
const faults = new FaultInjector();

beforeAll(async () => {
  // A build directory of its own: the stack test bundles the same handlers with the fixture's options.
  const buildDir = join(FIXTURE, '.synergy', 'build-lambda-test');
  bundles = await bundleFunctions({
    root: FIXTURE,
    buildDir,
    functions: Object.values(functions),
    esbuild: ESBUILD,
  });
  invoker = new LocalLambdaInvoker({
    config,
    bundles: bundles.bundles,
    runtimePath: bundles.runtimePath,
    endpoints: ENDPOINTS,
    resolveFunction: createFunctionResolver(functions),
    concurrency: { echo: 2, fail: 1 },
    faults,
    onLog: (key, line) => logs.push(`${key}: ${line}`),
  });
});
afterAll(() => invoker?.close());

interface EchoResult {
  invocations: number;
  event: unknown;
  remainingMs: number;
  context: Record<string, string>;
  env: Record<string, string | undefined>;
}
const echo = async (event: unknown) => (await invoker.invoke('echo', event)) as EchoResult;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function failure(promise: Promise<unknown>): Promise<LambdaFunctionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LambdaFunctionError);
  return error as LambdaFunctionError;
}

describe('a function on the sandbox pool', () => {
  it('gets a Lambda context, its environment and the local endpoints, and stays warm', async () => {
    const first = await echo({ n: 1 });
    const second = await echo({ n: 2 });
    expect(first.event).toEqual({ n: 1 });
    expect(first.context).toMatchObject({
      functionName: 'fixture-test-echo',
      functionVersion: '$LATEST',
      invokedFunctionArn: functions.echo.arn,
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/fixture-test-echo',
    });
    expect(first.context.awsRequestId).toMatch(UUID);
    expect(second.context.awsRequestId).not.toBe(first.context.awsRequestId);
    expect(first.env).toEqual({
      STAGE: 'test',
      GREETING: 'hi',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: ENDPOINTS.s3,
      AWS_LAMBDA_FUNCTION_NAME: 'fixture-test-echo',
    });
    // module scope survives between invocations of the same sandbox
    expect([first.invocations, second.invocations]).toEqual([1, 2]);
    expect(second.context.logStreamName).toBe(first.context.logStreamName);
  });

  it('counts the remaining time down from the deadline', async () => {
    const idle = await echo({});
    const slept = await echo({ sleepMs: 400 });
    expect(idle.remainingMs).toBeGreaterThan(1500);
    expect(idle.remainingMs).toBeLessThanOrEqual(2000);
    expect(slept.remainingMs).toBeLessThanOrEqual(1600);
    expect(slept.remainingMs).toBeGreaterThan(0);
  });

  it('has the handler output in the log sink, between START and END, when the invocation resolves', async () => {
    const { context, invocations } = await echo({ tag: 'logged' });
    const lines = logs.filter((line) => line.startsWith('echo: '));
    const start = lines.indexOf(`echo: START RequestId: ${context.awsRequestId} Version: $LATEST`);
    const end = lines.indexOf(`echo: END RequestId: ${context.awsRequestId}`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start + 1, end)).toEqual([`echo: echo invocation ${invocations}`]);
    expect(lines[end + 1].startsWith(`echo: REPORT RequestId: ${context.awsRequestId}\tDuration: `)).toBe(
      true,
    );
  });

  it("reports a handler's error with its name, message and trace, as Step Functions sees it", async () => {
    const error = await failure(invoker.invoke('fail', { mode: 'throw' }));
    expect(error.name).toBe('DataError');
    expect(error.errorType).toBe('DataError');
    expect(error.message).toBe('row 3, column "x": "1O" is not a number');
    const cause = JSON.parse(error.cause) as { errorType: string; errorMessage: string; trace: string[] };
    expect(cause.errorType).toBe('DataError');
    expect(cause.errorMessage).toBe(error.message);
    expect(cause.trace[0]).toBe(`DataError: ${error.message}`);
    // source maps are on (NODE_OPTIONS): the trace points into the TypeScript source
    expect(cause.trace.join('\n')).toContain('functions/fail.ts');
  });

  it('times out as Sandbox.Timedout after the function timeout and discards the sandbox', async () => {
    const started = performance.now();
    const error = await failure(invoker.invoke('fail', { mode: 'hang' }));
    const ms = performance.now() - started;
    expect(error.name).toBe('Sandbox.Timedout');
    expect(error.message).toMatch(/Task timed out after 1\.00 seconds$/);
    expect(ms).toBeGreaterThanOrEqual(990);
    expect(ms).toBeLessThan(2500);
    expect(invoker.stats().fail.sandboxes).toBe(0);
  });

  it('reports a crashed runtime as Runtime.ExitError', async () => {
    const error = await failure(invoker.invoke('fail', { mode: 'crash' }));
    expect(error.name).toBe('Runtime.ExitError');
    expect(error.message).toContain('Runtime exited with error: Error: boom outside the handler');
  });

  it('replaces a sandbox that crashed after its invocation returned', async () => {
    await expect(invoker.invoke('fail', { mode: 'crash-later' })).resolves.toBe('returned');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(invoker.stats().fail.sandboxes).toBe(0);
    await expect(invoker.invoke('fail', { mode: 'crash-later' })).resolves.toBe('returned');
  });

  it('runs at most the pool size at once and queues the rest', async () => {
    const running = [1, 2, 3].map((n) => echo({ n, sleepMs: 300 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(invoker.stats().echo).toMatchObject({ sandboxes: 2, queued: 1 });
    const results = await Promise.all(running);
    expect(results.map((result) => result.event)).toEqual([1, 2, 3].map((n) => ({ n, sleepMs: 300 })));
    expect(invoker.stats().echo).toMatchObject({ sandboxes: 2, idle: 2, queued: 0 });
  });

  it('fails matching invocations with an injected fault, the given number of times', async () => {
    const fault = faults.add({
      functionKey: 'echo',
      when: (event) => (event as { cell?: number }).cell === 2,
      error: { name: 'Lambda.ServiceException', message: 'injected' },
    });
    await expect(echo({ cell: 1 })).resolves.toMatchObject({ event: { cell: 1 } });
    const error = await failure(invoker.invoke('echo', { cell: 2 }));
    expect(error.name).toBe('Lambda.ServiceException');
    expect(error.cause).toBe('injected');
    await expect(echo({ cell: 2 })).resolves.toMatchObject({ event: { cell: 2 } });
    expect(fault.fired).toBe(1);
  });

  it('rejects an unknown function as Lambda.ResourceNotFoundException', async () => {
    const error = await failure(invoker.invoke('nope', {}));
    expect(error.name).toBe('Lambda.ResourceNotFoundException');
  });

  it('gives up on an aborted invocation and ends its sandbox', async () => {
    const controller = new AbortController();
    const invocation = invoker.invoke('fail', { mode: 'hang' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(invocation).rejects.toMatchObject({ name: 'AbortError' });
    expect(invoker.stats().fail.sandboxes).toBe(0);
  });
});

describe('FunctionPool', () => {
  it('reports a missing handler export as Runtime.HandlerNotFound', async () => {
    const pool = new FunctionPool({
      fn: fn('echo', { handler: { module: 'functions/echo', exportName: 'missing' } }),
      bundlePath: bundles.bundles.echo,
      runtimePath: bundles.runtimePath,
      env: {},
      maxSandboxes: 1,
    });
    try {
      const error = await failure(pool.invoke({}));
      expect(error.name).toBe('Runtime.HandlerNotFound');
      expect(error.message).toBe('functions/echo.missing is undefined or not exported');
    } finally {
      await pool.close();
    }
  });

  it('ends sandboxes that stay idle', async () => {
    const pool = new FunctionPool({
      fn: functions.echo,
      bundlePath: bundles.bundles.echo,
      runtimePath: bundles.runtimePath,
      env: {},
      maxSandboxes: 1,
      idleMs: 50,
    });
    try {
      await pool.invoke({});
      expect(pool.stats()).toMatchObject({ sandboxes: 1, idle: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pool.stats()).toMatchObject({ sandboxes: 0, idle: 0 });
    } finally {
      await pool.close();
    }
  });
});

describe('bundleFunctions', () => {
  it('skips the build while no input changed', async () => {
    const buildDir = join(FIXTURE, '.synergy', `build-incremental-${process.pid}`);
    const options = { root: FIXTURE, buildDir, functions: [functions.echo], esbuild: ESBUILD };
    try {
      expect((await bundleFunctions(options)).rebuilt).toBe(true);
      expect((await bundleFunctions(options)).rebuilt).toBe(false);
      const source = join(FIXTURE, 'functions', 'echo.ts');
      const later = new Date(Date.now() + 1000);
      utimesSync(source, later, later);
      expect((await bundleFunctions(options)).rebuilt).toBe(true);
      expect((await bundleFunctions({ ...options, esbuild: { ...ESBUILD, minify: true } })).rebuilt).toBe(
        true,
      );
    } finally {
      rmSync(buildDir, { recursive: true, force: true });
    }
  });

  it('names the function whose handler file does not exist', async () => {
    const missing = fn('ghost', {});
    await expect(bundleFunctions({ root: FIXTURE, functions: [missing], esbuild: ESBUILD })).rejects.toThrow(
      'functions.ghost.handler: no source for "functions/ghost" (tried .ts, .js, .jsx, .tsx)',
    );
  });
});
