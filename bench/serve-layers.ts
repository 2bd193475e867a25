/**
 * Where a served prediction's time goes: the same request measured through growing layers, all in this
 * one process on one core (it re-runs itself under `taskset -c 0`), the load from another process on the
 * other core (bench/serve.ts's autocannon role, `--connections`, 8 by default; bench/serve.ts measures the
 * most req/s at 8 and at 64, and neither wins every run).
 *
 *   node --import tsx bench/serve-layers.ts [--duration 6] [--repeat 3] [--connections 8]
 *
 *   1. bare node:http: read the POST body, answer a constant (no adapter, no function);
 *   2. the local HTTP API (local/http-api: routing, the real authorizer with API Gateway's cache, the
 *      payload 2.0 event, response mapping) answering the predict route with a constant;
 *   3. 2 + the real predict function (its bundle, on InlineFunction as on the edge thread), health route;
 *   4. 2 + the real predict function on `POST /models/bench-rf/predict`, 1 row, RandomForest-100;
 *   5. the predict handler alone, called in a loop with one prepared event (no HTTP).
 * Each HTTP layer: the median of `repeat` runs of req/s and this process's CPU µs per request (all its
 * threads). The difference between layers is what each adds under load; 5 against 4 shows how much more
 * the same handler costs between HTTP requests than in a tight loop (caches, see README Benchmarks).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { InlineFunction } from '../local/http-api/inline-function.ts';
import { localApiId, type StartedHttpApi, startHttpApi } from '../local/http-api/server.ts';
import { sandboxEnvironment } from '../local/lambda/environment.ts';
import type { Handler } from '../local/lambda/handler-runtime.ts';
import { sandboxContext } from '../local/lambda/worker-pool.ts';
import { startLocalStack } from '../local/stack.ts';
import { createBenchKey, MODEL, registerModel } from './serve-model.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const PINNED = 'SYNERGY_BENCH_PINNED';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '6' },
    repeat: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
  },
});

if (process.env[PINNED] === undefined) {
  const child = spawn(
    'taskset',
    ['-c', '0', process.execPath, '--import', 'tsx', SELF, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, [PINNED]: '1' },
    },
  );
  const [code] = await once(child, 'exit');
  process.exit(code ?? 1);
}

interface Spec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

interface Measured {
  readonly rps: number;
  readonly cpuMicros: number;
}

async function loadOnce(
  spec: Spec,
  duration: number,
): Promise<{ rps: number; total: number; non2xx: number }> {
  const args = [
    '-c',
    '1',
    process.execPath,
    '--import',
    'tsx',
    join(ROOT, 'bench/serve.ts'),
    '--role',
    'load',
  ];
  const child = spawn(
    'taskset',
    [...args, '--spec', JSON.stringify({ ...spec, connections: Number(values.connections), duration })],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await once(child, 'exit');
  return JSON.parse(output) as { rps: number; total: number; non2xx: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(spec: Spec): Promise<Measured> {
  const duration = Number(values.duration);
  await loadOnce(spec, 2);
  const runs: Measured[] = [];
  for (let i = 0; i < Number(values.repeat); i++) {
    const before = process.cpuUsage();
    const result = await loadOnce(spec, duration);
    const cpu = process.cpuUsage(before);
    if (result.non2xx > 0)
      throw new Error(`${spec.method} ${spec.url}: ${result.non2xx} answers were not 2xx`);
    runs.push({ rps: result.rps, cpuMicros: (cpu.user + cpu.system) / result.total });
  }
  return { rps: median(runs.map((r) => r.rps)), cpuMicros: median(runs.map((r) => r.cpuMicros)) };
}

async function bareServer(answer: string): Promise<{ url: string; close: () => void }> {
  const server = createServer({ noDelay: true }, (request, response) => {
    request.on('data', () => {});
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer),
      });
      response.end(answer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

// The function's log and EMF lines would land between the results: they are dropped (in the stack they
// go to its log file through the edge thread's stdout).
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (() => true) as typeof process.stdout.write;

const stateDir = mkdtempSync(join(tmpdir(), 'synergy-bench-layers-'));
const stack = await startLocalStack({ root: ROOT, stateDir, log: () => {} });
const rows: { layer: string; measured: Measured }[] = [];
let loopMicros = Number.NaN;
try {
  const row = await registerModel(stack);
  const key = await createBenchKey(stack, 'bench/serve-layers.ts');
  const fn = stack.config.functions.predict;
  if (fn === undefined) throw new Error('serverless.yml has no predict function');
  // The handler reads its environment at import, as in its sandbox.
  Object.assign(process.env, sandboxEnvironment(fn, stack.endpoints, stack.config.runtime));
  const bundle = join(ROOT, '.synergy', 'build', `${fn.key}.mjs`);
  const handler = (await import(pathToFileURL(bundle).href)).handler as Handler;
  const inline = new InlineFunction(handler, {
    functionKey: fn.key,
    bundlePath: bundle,
    exportName: fn.handler.exportName,
    handlerName: `${fn.handler.module}.${fn.handler.exportName}`,
    enableSourceMaps: false,
    timeoutSeconds: fn.timeoutSeconds,
    context: sandboxContext(fn, 'bench'),
  });
  const body = JSON.stringify({ rows: [row] });
  const predictHeaders = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const api = {
    apiId: localApiId(stack.config.service, stack.config.stage),
    accountId: stack.config.accountId,
    region: stack.endpoints.region,
  };

  let answer: unknown;
  // Layer 5 replays the event of the first request the function answers: the predict request below.
  let firstEvent: unknown;
  const serve = async (withHandler: boolean): Promise<StartedHttpApi> =>
    startHttpApi({
      httpApi: stack.config.httpApi,
      api,
      invoker: {
        invoke: (functionKey, event) => {
          if (functionKey !== fn.key) return stack.invoker.invoke(functionKey, event);
          if (!withHandler) return Promise.resolve(answer);
          firstEvent ??= event;
          return inline.invoke(event);
        },
      },
    });

  // The constant answer of layers 1 and 2 is the function's real answer to this request.
  const withFunction = await serve(true);
  const predictSpec = (base: string): Spec => ({
    url: `${base}/models/${MODEL}/predict`,
    method: 'POST',
    headers: predictHeaders,
    body,
  });
  const first = await fetch(predictSpec(withFunction.endpoint).url, {
    method: 'POST',
    headers: predictHeaders,
    body,
  });
  answer = {
    statusCode: first.status,
    headers: { 'content-type': 'application/json' },
    body: await first.text(),
  };

  const bare = await bareServer((answer as { body: string }).body);
  rows.push({
    layer: '1. bare node:http, constant answer',
    measured: await measure({ ...predictSpec(bare.url), url: `${bare.url}/` }),
  });
  bare.close();
  const constant = await serve(false);
  rows.push({
    layer: '2. HTTP API adapter + authorizer, constant answer',
    measured: await measure(predictSpec(constant.endpoint)),
  });
  await constant.close();
  rows.push({
    layer: '3. + predict function, GET /v2/health/live',
    measured: await measure({ url: `${withFunction.endpoint}/v2/health/live`, method: 'GET', headers: {} }),
  });
  rows.push({
    layer: '4. + predict function, POST predict (1 row, RF-100)',
    measured: await measure(predictSpec(withFunction.endpoint)),
  });
  await withFunction.close();

  // 5: that request's event, as the adapter built it, straight into the handler.
  const calls = 20_000;
  const perCall: number[] = [];
  for (let round = 0; round < 4; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) await inline.invoke(firstEvent);
    const cpu = process.cpuUsage(before);
    perCall.push((cpu.user + cpu.system) / calls);
  }
  loopMicros = median(perCall.slice(1));
  // The loop resolves on microtasks only, so capture's S3 writes could not run during it: give the write
  // in flight its I/O, then one request more starts the write of the rows held since, before the stack stops.
  await sleep(500);
  await inline.invoke(firstEvent);
  await sleep(1_000);
} finally {
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

process.stdout.write = stdoutWrite;
const lines = ['| layer | req/s | CPU µs/req |', '|---|---:|---:|'];
for (const { layer, measured } of rows) {
  lines.push(`| ${layer} | ${Math.round(measured.rps)} | ${measured.cpuMicros.toFixed(0)} |`);
}
lines.push(
  `| 5. predict handler alone, in a loop (InlineFunction, no HTTP) | — | ${loopMicros.toFixed(1)} |`,
);
const cpuOf = (index: number) => rows[index].measured.cpuMicros;
const summary = [
  `The adapter and authorizer cache add ${(cpuOf(1) - cpuOf(0)).toFixed(0)} µs per request to bare node:http (2 − 1).`,
  `The predict function adds ${(cpuOf(3) - cpuOf(1)).toFixed(0)} µs per request between HTTP requests (4 − 2), against ${loopMicros.toFixed(0)} µs per call in a loop (5).`,
  'Layer 3 is a GET without body or key: it compares with neither.',
  'Goal (issue #5): ≥ 10,000 req/s for the predict route on one core.',
];
process.stdout.write(`${lines.join('\n')}\n\n${summary.join('\n')}\n`);
