/**
 * Serving through the local HTTP API: API Gateway's work (routing, the Lambda authorizer and its cache,
 * the payload 2.0 event) in local/http-api, the predict function on the stack's worker-thread sandboxes.
 *
 *   node --import tsx bench/serve.ts [--duration 10] [--rate 1000] [--connections 8,64] [--sandboxes n]
 *                                    [--layouts pinned,unpinned]
 *
 * Starts the real project's stack (serverless.yml) in a child process, registers a RandomForest-100
 * trained here on 2,000 generated schedule-adherence rows as champion of model `bench-rf`, creates an
 * API key, then loads it with autocannon from another child process:
 *   (a) `GET /v2/health/live`: the trivial baseline, through the same adapter and function;
 *   (b) `POST /models/bench-rf/predict` with one row and the key (the authorizer answers once, then
 *       API Gateway's cache — resultTtlInSeconds — as deployed).
 *   (c) first, the floor: a plain node:http server with a constant body in its own process (no adapter,
 *       no stack), under the same loads — the best this machine and load generator give.
 * For each: latency at a fixed 1,000 req/s — paced (one request every millisecond, open loop) and with
 * autocannon's overallRate, which sends each second's share in a burst (see pacedLoad), on 10 connections
 * and on 1 — and the most req/s, once per count in `--connections` (fewer connections interleave fewer
 * requests on the server, more keep it busy through scheduling gaps; which count wins varies from run
 * to run here). Last, how late a thread sleeping 1 ms wakes on each core (the machine's own floor under
 * any latency measured at 1,000 req/s). Layouts: `pinned` runs the stack with `taskset -c 0` (server,
 * sandboxes and all: one core) and autocannon with `taskset -c 1`; `unpinned` lets both use both cores.
 * Goals (issue #5): p99 ≤ 2 ms at 1,000 req/s, ≥ 10,000 req/s max on one core.
 *
 * Latency percentiles are computed from every 2xx response's time (autocannon's own histogram has 1 ms
 * steps). The machine is shared: the load average is printed with each run, and the server's CPU time
 * per request (all its threads), which other processes on the core do not inflate: on a core of its
 * own, the server would answer about 1e6 / (CPU µs per request) requests a second.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startLocalStack } from '../local/stack.ts';
import { createBenchKey, MODEL, registerModel, type ServedRow } from './serve-model.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'orchestrate' },
    spec: { type: 'string' },
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '8,64' },
    sandboxes: { type: 'string' },
    layouts: { type: 'string', default: 'pinned,unpinned' },
  },
});

/** What the server child prints once ready. */
interface Served {
  readonly http: string;
  readonly key: string;
  readonly row: ServedRow;
}

interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly duration: number;
  readonly overallRate?: number;
  /** Open loop: one request every 1/overallRate s on keep-alive sockets, not autocannon's bursts. */
  readonly paced?: boolean;
}

interface LoadResult {
  readonly rps: number;
  readonly total: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** autocannon's own p99 (1 ms steps, corrected for coordinated omission at a fixed rate). */
  readonly autocannonP99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly load: string;
}

const node = (args: readonly string[]) => [process.execPath, '--import', 'tsx', SELF, ...args];

// ---- server child: the stack with a registered model and a key --------------------------------------

async function serve(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'synergy-bench-serve-'));
  const sandboxes = values.sandboxes === undefined ? undefined : Number(values.sandboxes);
  const stack = await startLocalStack({
    root: ROOT,
    stateDir,
    log: (line) => process.stderr.write(`${line}\n`),
    ...(sandboxes === undefined ? {} : { concurrency: { predict: sandboxes } }),
  });
  try {
    if (stack.endpoints.http === null) throw new Error('serverless.yml has no httpApi routes');
    const row = await registerModel(stack);
    const key = await createBenchKey(stack, 'bench/serve.ts');
    const served: Served = { http: stack.endpoints.http, key, row };
    process.stdout.write(`${JSON.stringify(served)}\n`);
    // Each line on stdin asks for the CPU time this process used so far (all its threads: the HTTP
    // API, the stack and the sandboxes); the orchestrator closes stdin to stop it.
    for await (const _ of createInterface({ input: process.stdin })) {
      const { user, system } = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ cpuMicros: user + system })}\n`);
    }
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * The floor: a plain node:http server answering a constant JSON body, no adapter, no stack — what this
 * machine and this load generator give at best, measured by the same loads in the same script.
 */
async function serveBare(): Promise<void> {
  const body = '{"live":true}';
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    response.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`${JSON.stringify({ http: `http://127.0.0.1:${address.port}`, key: '', row: {} })}\n`);
  for await (const _ of createInterface({ input: process.stdin })) {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMicros: user + system })}\n`);
  }
  server.close();
}

// ---- load child: one autocannon run -------------------------------------------------------------------

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * autocannon's overallRate lets each connection send back to back until it has made its share of the
 * second, then pause: the "fixed rate" is a burst at full speed every second, and its latencies are those
 * of a saturated server. This sends one request every 1/rate s instead (on up to `connections` keep-alive
 * sockets), each timed from its send to the end of its response.
 */
async function pacedLoad(spec: LoadSpec): Promise<Omit<LoadResult, 'load'>> {
  const rate = spec.overallRate ?? 1000;
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const times: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const send = () => {
    const started = performance.now();
    const done = new Promise<void>((resolve) => {
      const request = httpRequest(
        spec.url,
        { method: spec.method, headers: spec.headers, agent },
        (response) => {
          response.resume();
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) times.push(performance.now() - started);
            else non2xx++;
            resolve();
          });
        },
      );
      request.on('error', () => {
        errors++;
        resolve();
      });
      request.end(spec.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  const start = performance.now();
  const end = start + spec.duration * 1000;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const due = Math.floor(((Math.min(now, end) - start) * rate) / 1000);
      while (sent < due) {
        sent++;
        send();
      }
      if (now >= end) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = Float64Array.from(times).sort();
  return {
    rps: sent / spec.duration,
    total: sent,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    autocannonP99: Number.NaN,
    non2xx,
    errors,
  };
}

async function load(spec: LoadSpec): Promise<void> {
  if (spec.paced) {
    const result = await pacedLoad(spec);
    process.stdout.write(`${JSON.stringify({ ...result, load: loadAverage() })}\n`);
    return;
  }
  const times: number[] = [];
  const instance = autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: spec.duration,
    ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
  });
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    if (statusCode >= 200 && statusCode < 300) times.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(times).sort();
  const output: LoadResult = {
    rps: result.requests.total / result.duration,
    total: result.requests.total,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    autocannonP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    load: loadAverage(),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

// ---- wake-up probe: how late a sleeping thread on this machine wakes --------------------------------

/**
 * A thread that sleeps 1 ms (Atomics.wait: a futex, no event loop) and measures how late it wakes, 5,000
 * times. A request at 1,000 req/s finds the server asleep and wakes the client when answered: two such
 * wake-ups are in every paced latency, whatever the server does.
 */
function wakeups(): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const late = new Float64Array(5000);
  for (let i = 0; i < late.length; i++) {
    const started = performance.now();
    Atomics.wait(cell, 0, 0, 1);
    late[i] = performance.now() - started - 1;
  }
  late.sort();
  process.stdout.write(
    `${JSON.stringify({ p50: percentile(late, 50), p99: percentile(late, 99), p999: percentile(late, 99.9), max: late[late.length - 1] })}\n`,
  );
}

async function wakeupLine(core: number | undefined): Promise<string> {
  const [command, args] = pinnedTo(core, node(['--role', 'wakeups']));
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const w = JSON.parse(await linesOf(child).next()) as {
    p50: number;
    p99: number;
    p999: number;
    max: number;
  };
  return `wake-up lateness of a thread sleeping 1 ms${core === undefined ? '' : ` on core ${core}`}: p50 ${ms(w.p50)} ms, p99 ${ms(w.p99)} ms, p99.9 ${ms(w.p999)} ms, max ${ms(w.max)} ms`;
}

// ---- orchestrator -------------------------------------------------------------------------------------

function pinnedTo(core: number | undefined, args: readonly string[]): [string, string[]] {
  return core === undefined ? [args[0], args.slice(1)] : ['taskset', ['-c', String(core), ...args]];
}

/** Reads a child's stdout line by line; `next()` rejects if the child exits first. */
function linesOf(child: ChildProcess): { next(): Promise<string> } {
  if (!child.stdout) throw new Error('child has no stdout');
  const iterator = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`child exited with ${code} before answering`);
  });
  exited.catch(() => {});
  return {
    next: async () => {
      const item = await Promise.race([iterator.next(), exited]);
      if (item.done) throw new Error('child closed its output');
      return item.value;
    },
  };
}

async function runLoad(spec: LoadSpec, core: number | undefined): Promise<LoadResult> {
  const [command, args] = pinnedTo(core, node(['--role', 'load', '--spec', JSON.stringify(spec)]));
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(await linesOf(child).next()) as LoadResult;
}

/** A load run and the server's CPU time per answered request (robust to other processes on the core). */
async function measured(
  spec: LoadSpec,
  core: number | undefined,
  server: { ask(): Promise<number> },
): Promise<LoadResult & { readonly cpuMicrosPerRequest: number }> {
  const before = await server.ask();
  const result = await runLoad(spec, core);
  const after = await server.ask();
  return { ...result, cpuMicrosPerRequest: (after - before) / result.total };
}

interface Row {
  readonly layout: string;
  readonly scenario: string;
  readonly mode: string;
  readonly result: LoadResult & { readonly cpuMicrosPerRequest: number };
}

const ms = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(2));

function table(rows: readonly Row[]): string {
  const header =
    '| layout | route | load | req/s | p50 ms | p99 ms | p99.9 ms | max ms | server CPU µs/req | non-2xx | errors | load avg |';
  const rule = '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map(
    ({ layout, scenario, mode, result: r }) =>
      `| ${layout} | ${scenario} | ${mode} | ${Math.round(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.p999)} | ${ms(r.max)} | ${Math.round(r.cpuMicrosPerRequest)} | ${r.non2xx} | ${r.errors} | ${r.load} |`,
  );
  return [header, rule, ...lines].join('\n');
}

function scenariosFor(
  role: 'bare' | 'stack',
  served: Served,
): { name: string; spec: Omit<LoadSpec, 'connections' | 'duration'> }[] {
  if (role === 'bare') {
    return [{ name: 'bare node:http (floor)', spec: { url: `${served.http}/`, method: 'GET', headers: {} } }];
  }
  return [
    {
      name: 'GET /v2/health/live',
      spec: { url: `${served.http}/v2/health/live`, method: 'GET', headers: {} },
    },
    {
      name: `POST /models/${MODEL}/predict (1 row, RF-100)`,
      spec: {
        url: `${served.http}/models/${MODEL}/predict`,
        method: 'POST',
        headers: { authorization: `Bearer ${served.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rows: [served.row] }),
      },
    },
  ];
}

async function orchestrate(): Promise<void> {
  const duration = Number(values.duration);
  const rate = Number(values.rate);
  const maxConnections = values.connections.split(',').map(Number);
  if (maxConnections.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--connections: positive integers separated by commas, got ${values.connections}`);
  // The paced load opens up to this many sockets: enough to keep a slow answer from holding back the next.
  const connections = Math.max(...maxConnections);
  const rows: Row[] = [];
  for (const layout of values.layouts.split(',')) {
    const pinned = layout === 'pinned';
    const stackArgs = ['--role', 'server', ...(values.sandboxes ? ['--sandboxes', values.sandboxes] : [])];
    for (const role of ['bare', 'stack'] as const) {
      const serverArgs = role === 'bare' ? ['--role', 'bare'] : stackArgs;
      const [command, args] = pinnedTo(pinned ? 0 : undefined, node(serverArgs));
      const server = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      const output = linesOf(server);
      const cpu = {
        ask: async () => {
          server.stdin?.write('cpu\n');
          return (JSON.parse(await output.next()) as { cpuMicros: number }).cpuMicros;
        },
      };
      try {
        const served = JSON.parse(await output.next()) as Served;
        const loadCore = pinned ? 1 : undefined;
        for (const { name, spec } of scenariosFor(role, served)) {
          // Warm: sandboxes started, JIT, the model cached, the authorizer's answer cached.
          await runLoad({ ...spec, connections, duration: 3 }, loadCore);
          const paced = await measured(
            { ...spec, connections, duration, overallRate: rate, paced: true },
            loadCore,
            cpu,
          );
          rows.push({ layout, scenario: name, mode: `${rate} req/s paced`, result: paced });
          const fixed = await measured(
            { ...spec, connections: 10, duration, overallRate: rate },
            loadCore,
            cpu,
          );
          rows.push({ layout, scenario: name, mode: `${rate} req/s autocannon, 10 conns`, result: fixed });
          // One connection: each second's share goes out back to back, one request at a time — latency
          // without the queueing of ten simultaneous bursts.
          const single = await measured(
            { ...spec, connections: 1, duration, overallRate: rate },
            loadCore,
            cpu,
          );
          rows.push({ layout, scenario: name, mode: `${rate} req/s autocannon, 1 conn`, result: single });
          for (const count of maxConnections) {
            const max = await measured({ ...spec, connections: count, duration }, loadCore, cpu);
            rows.push({ layout, scenario: name, mode: `max, ${count} conns`, result: max });
          }
          process.stderr.write(`${table(rows.slice(-3 - maxConnections.length))}\n`);
        }
      } finally {
        server.stdin?.end();
        await once(server, 'exit');
      }
    }
  }
  const probes = [await wakeupLine(0), await wakeupLine(1)];
  process.stdout.write(`\n${table(rows)}\n\n${probes.join('\n')}\n`);
  process.stdout.write(`\nGoals: p99 ≤ 2 ms at ${rate} req/s, ≥ 10,000 req/s max on one core (pinned).\n`);
}

if (values.role === 'server') await serve();
else if (values.role === 'bare') await serveBare();
else if (values.role === 'wakeups') wakeups();
else if (values.role === 'load') await load(JSON.parse(values.spec ?? '{}') as LoadSpec);
else await orchestrate();
