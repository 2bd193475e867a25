/**
 * What capture adds to a request: the time of `offer()` per request, as the predict path calls it.
 *
 *   node --import tsx bench/capture.ts [--requests 50000] [--rate 10000] [--write-ms 3] [--batch-rows 1000] [--runs 3]
 *
 * Each scenario (1-row and 10-row requests; sampleRate 1, 0.1 and 0) offers `requests` requests at `rate`
 * requests/s (0: as fast as possible) to a capture buffer over an in-memory store whose every write takes
 * `write-ms` ms (S3's latency, roughly), letting the event loop turn after each request as a server does,
 * so batches are serialized and written between requests as they would be. The rows thunk builds the CapturedRow objects the way the
 * predict path does (16 input fields, 3 classes). Each offer() is timed with hrtime; the table gives
 * p50/p99/p99.9/max in µs, best of `runs` runs (the machine is shared), with the timer's own cost
 * measured the same way for scale. Separately, the event-loop time a batch takes to serialize (once per
 * batch, off the request: after the response, a slice of rows per turn, before the write).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { ArtifactStore, Written } from '../layers/core/ports.ts';
import { createCaptureBuffer, SERIALIZE_SLICE_ROWS } from '../layers/core/serving/capture-buffer.ts';
import type { CapturedRow } from '../layers/core/serving/deps.ts';
import { Random } from '../layers/ml/random.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '50000' },
    rate: { type: 'string', default: '10000' },
    'write-ms': { type: 'string', default: '3' },
    'batch-rows': { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
  },
});
const requests = Number(values.requests);
const writeMs = Number(values['write-ms']);
const batchRows = Number(values['batch-rows']);
const runs = Number(values.runs);
const rate = Number(values.rate);

/** A store that keeps nothing and answers after `writeMs`, counting what it was given. */
function slowStore(): Pick<ArtifactStore, 'write'> & { objects: number; bytes: number } {
  const store = {
    objects: 0,
    bytes: 0,
    async write(ref: { bucket: string; key: string }, body: unknown): Promise<Written> {
      await new Promise((resolve) => setTimeout(resolve, writeMs));
      const size = typeof body === 'string' ? body.length : 0;
      store.objects++;
      store.bytes += size;
      return { ref, sha256: '', size };
    },
  };
  return store;
}

const FIELDS = Array.from({ length: 16 }, (_, j) => `feature_${j}`);
const CLASSES = ['on_schedule', 'minor_delay', 'major_delay'];

/** Prebuilt request inputs and scores, so the timing covers only what capture adds. */
function requestsOf(rowsPerRequest: number, count: number, random: Random) {
  return Array.from({ length: count }, (_, i) => {
    const inputs = Array.from({ length: rowsPerRequest }, () =>
      Object.fromEntries(FIELDS.map((name, j) => [name, j % 4 === 0 ? `level_${j}` : random.next() * 100])),
    );
    const probabilities = new Float64Array(rowsPerRequest * CLASSES.length).map(() => random.next());
    return { requestId: `req-${i}`, inputs, probabilities };
  });
}

type Request = ReturnType<typeof requestsOf>[number];

/** What the predict path hands to offer(): built only when the request is sampled. */
function capturedRows(request: Request, at: string): CapturedRow[] {
  return request.inputs.map((input, i) => {
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < CLASSES.length; c++) probabilities[CLASSES[c]] = request.probabilities[i * 3 + c];
    return {
      requestId: request.requestId,
      row: i,
      at,
      model: 'construction',
      version: 3,
      alias: 'champion',
      input,
      prediction: CLASSES[0],
      probabilities,
    };
  });
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds request `i` back until its time at `rate` requests/s (checked once a millisecond's worth). */
async function pace(i: number, startedAt: number): Promise<void> {
  if (rate <= 0 || i % Math.max(1, Math.round(rate / 1_000)) !== 0) return;
  const due = startedAt + (i * 1_000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Result {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  objects: number;
  dropped: number;
  failed: number;
}

async function scenario(rowsPerRequest: number, sampleRate: number, seed: number): Promise<Result> {
  const random = new Random(seed);
  const reqs = requestsOf(rowsPerRequest, Math.min(requests, 5_000), random);
  const store = slowStore();
  const capture = createCaptureBuffer({
    artifacts: store,
    bucket: 'bench',
    sampleRate,
    batchRows,
    batchMs: 60_000,
    clock: { now: () => new Date() },
    random: () => random.next(),
    onError: () => {},
  });
  const times = new Float64Array(requests);
  const at = new Date().toISOString();
  const startedAt = performance.now();
  for (let i = 0; i < requests; i++) {
    await pace(i, startedAt);
    const request = reqs[i % reqs.length];
    const start = process.hrtime.bigint();
    capture.offer(() => capturedRows(request, at));
    times[i] = Number(process.hrtime.bigint() - start) / 1_000;
    await turn();
  }
  await capture.flush();
  times.sort();
  const stats = capture.stats();
  return {
    p50: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    p999: quantile(times, 0.999),
    max: times[times.length - 1],
    objects: store.objects,
    dropped: stats.droppedRows,
    failed: stats.failedRows,
  };
}

/** The cost of the timing itself: hrtime around an empty call. */
async function timerCost(): Promise<Result> {
  const times = new Float64Array(requests);
  const noop = (): void => {};
  for (let i = 0; i < requests; i++) {
    const start = process.hrtime.bigint();
    noop();
    times[i] = Number(process.hrtime.bigint() - start) / 1_000;
    if (i % 100 === 0) await turn();
  }
  times.sort();
  return {
    p50: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    p999: quantile(times, 0.999),
    max: times[times.length - 1],
    objects: 0,
    dropped: 0,
    failed: 0,
  };
}

/** Serializing `rows` 1-row captures as a flush does (best of 20), in ms. */
function serializeMs(rows: number): number {
  const random = new Random(7);
  const captured = requestsOf(1, rows, random).flatMap((request) => capturedRows(request, 'x'));
  let fastest = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 20; k++) {
    const start = performance.now();
    let body = '';
    for (const row of captured) body += `${JSON.stringify(row)}\n`;
    fastest = Math.min(fastest, performance.now() - start);
    if (body.length === 0) throw new Error('nothing serialized');
  }
  return fastest;
}

function best(results: Result[]): Result {
  return results.reduce((a, b) => (b.p99 < a.p99 ? b : a));
}

const fmt = (us: number): string => us.toFixed(2).padStart(8);

console.log(
  `capture offer() per request: ${requests} requests at ${rate > 0 ? `${rate} req/s` : 'full speed'}, batchRows ${batchRows}, writes take ${writeMs} ms, best p99 of ${runs} runs; load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('scenario                       p50 µs   p99 µs p99.9 µs   max µs  objects  dropped');
const line = (name: string, r: Result): void =>
  console.log(
    `${name.padEnd(28)} ${fmt(r.p50)} ${fmt(r.p99)} ${fmt(r.p999)} ${fmt(r.max)} ${String(r.objects).padStart(8)} ${String(r.dropped).padStart(8)}`,
  );

const timer: Result[] = [];
for (let k = 0; k < runs; k++) timer.push(await timerCost());
line('(timer alone)', best(timer));
for (const rowsPerRequest of [1, 10]) {
  for (const sampleRate of [1, 0.1, 0]) {
    const results: Result[] = [];
    for (let k = 0; k < runs; k++) results.push(await scenario(rowsPerRequest, sampleRate, 100 + k));
    line(`${rowsPerRequest} row${rowsPerRequest > 1 ? 's' : ''}/request, rate ${sampleRate}`, best(results));
  }
}
console.log(
  `serializing a ${batchRows}-row batch: ${serializeMs(batchRows).toFixed(2)} ms of event-loop time per batch, ` +
    `in slices of ${SERIALIZE_SLICE_ROWS} rows of ${serializeMs(SERIALIZE_SLICE_ROWS).toFixed(3)} ms ` +
    '(the most a request arriving meanwhile waits for it)',
);
