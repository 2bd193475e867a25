/**
 * The capture buffer: one draw per request, batches cut by size and by age without holding up offer(),
 * one JSONL object per model at the documented key, failures and the memory cap reported with the number
 * of rows they cost, and flush() writing everything left.
 */
import { describe, expect, it } from 'vitest';
import {
  type CaptureBufferOptions,
  CaptureOverflowError,
  CaptureWriteError,
  createCaptureBuffer,
  SERIALIZE_SLICE_ROWS,
} from '../../../layers/core/serving/capture-buffer.ts';
import type { CapturedRow } from '../../../layers/core/serving/deps.ts';
import { Random } from '../../../layers/ml/random.ts';
import { FixedClock, MemoryArtifactStore } from '../../support/memory-ports.ts';

const BUCKET = 'capture-test-bucket';

function row(model: string, n: number): CapturedRow {
  return {
    requestId: `req-${n}`,
    row: 0,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString(),
    model,
    version: 3,
    alias: 'champion',
    input: { duration: n, site: `s${n % 3}` },
    prediction: n % 2 === 0 ? 'late' : 'on_time',
    probabilities: { late: 0.25, on_time: 0.75 },
  };
}

interface Harness {
  readonly store: MemoryArtifactStore;
  readonly clock: FixedClock;
  readonly errors: Array<{ error: unknown; dropped: number }>;
  readonly capture: ReturnType<typeof createCaptureBuffer>;
}

function harness(overrides: Partial<CaptureBufferOptions> = {}): Harness {
  const store = new MemoryArtifactStore();
  const clock = new FixedClock(new Date('2026-03-04T05:06:07.890Z'));
  const errors: Array<{ error: unknown; dropped: number }> = [];
  let id = 0;
  const capture = createCaptureBuffer({
    artifacts: store,
    bucket: BUCKET,
    sampleRate: 1,
    batchRows: 5,
    batchMs: 60_000,
    clock,
    random: () => 0.5,
    newId: () => `id${++id}`,
    onError: (error, dropped) => errors.push({ error, dropped }),
    ...overrides,
  });
  return { store, clock, errors, capture };
}

/** The captured objects as stored: key → parsed lines. */
function captured(store: MemoryArtifactStore): Map<string, unknown[]> {
  const objects = new Map<string, unknown[]>();
  for (const [uri, { bytes }] of store.objects) {
    const lines = new TextDecoder().decode(bytes).split('\n');
    expect(lines.pop()).toBe('');
    objects.set(
      uri.slice(`s3://${BUCKET}/`.length),
      lines.map((line) => JSON.parse(line)),
    );
  }
  return objects;
}

/** Lets deferred work run: the batch is serialized on the next turn of the event loop. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

const allRows = (store: MemoryArtifactStore): unknown[] => [...captured(store).values()].flat();

/** A store whose writes wait until released (S3 answering slowly), or fail while `failing` is set. */
class ControlledStore extends MemoryArtifactStore {
  failing = false;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  override async write(...args: Parameters<MemoryArtifactStore['write']>) {
    if (this.gate) await this.gate;
    if (this.failing) throw new Error('S3 is unavailable');
    return super.write(...args);
  }
}

describe('capture sampling', () => {
  it('draws once per request and captures about sampleRate of them (seeded)', async () => {
    const random = new Random(42);
    let thunkCalls = 0;
    const { capture, store } = harness({ sampleRate: 0.1, batchRows: 1_000, random: () => random.next() });
    const requests = 20_000;
    for (let i = 0; i < requests; i++) {
      capture.offer(() => {
        thunkCalls++;
        return [row('m', i), row('m', i)];
      });
    }
    await capture.flush();
    // Binomial(20000, 0.1): mean 2000, sd ≈ 42; ±5 sd.
    expect(thunkCalls).toBeGreaterThan(2_000 - 212);
    expect(thunkCalls).toBeLessThan(2_000 + 212);
    expect(capture.stats()).toMatchObject({ offered: requests, sampled: thunkCalls });
    // A request is captured whole: both of its rows or neither.
    expect(allRows(store)).toHaveLength(2 * thunkCalls);
  });

  it('with sampleRate 0 never builds the rows', async () => {
    const { capture, store } = harness({ sampleRate: 0, random: () => 0 });
    for (let i = 0; i < 100; i++) {
      capture.offer(() => {
        throw new Error('the thunk must not be called');
      });
    }
    await capture.flush();
    expect(store.objects.size).toBe(0);
    expect(capture.stats()).toMatchObject({ offered: 100, sampled: 0 });
  });

  it('compares the draw with the rate: a draw at or above it is not sampled', async () => {
    const draws = [0.29, 0.3, 0.31, 0];
    const { capture } = harness({ sampleRate: 0.3, random: () => draws.shift() ?? 1 });
    for (let i = 0; i < 4; i++) capture.offer(() => [row('m', i)]);
    expect(capture.stats().sampled).toBe(2);
  });
});

describe('capture batching', () => {
  it('starts writing when batchRows rows are buffered, without offer waiting for the write', async () => {
    const { capture, store } = harness({ batchRows: 5 });
    for (let i = 0; i < 4; i++) capture.offer(() => [row('m', i)]);
    expect(capture.stats()).toMatchObject({ bufferedRows: 4, inFlightRows: 0 });
    capture.offer(() => [row('m', 4)]);
    expect(capture.stats()).toMatchObject({ bufferedRows: 0, inFlightRows: 5 });
    expect(store.objects.size).toBe(0);
    // Rows offered while the batch is being written go to the next batch.
    capture.offer(() => [row('m', 5)]);
    expect(capture.stats()).toMatchObject({ bufferedRows: 1, inFlightRows: 5 });
    await settle();
    expect(allRows(store)).toEqual([0, 1, 2, 3, 4].map((n) => row('m', n)));
    expect(capture.stats()).toMatchObject({ bufferedRows: 1, inFlightRows: 0, writtenRows: 5 });
  });

  it('cuts a batch when its oldest row is batchMs old (checked on the next offer)', async () => {
    const { capture, clock, store } = harness({ batchRows: 100, batchMs: 1_000 });
    capture.offer(() => [row('m', 0)]);
    clock.advance(600);
    capture.offer(() => [row('m', 1)]);
    clock.advance(399);
    capture.offer(() => [row('m', 2)]);
    expect(capture.stats().inFlightRows).toBe(0);
    clock.advance(1);
    capture.offer(() => [row('m', 3)]);
    expect(capture.stats()).toMatchObject({ inFlightRows: 4, bufferedRows: 0 });
    await capture.flush();
    expect(allRows(store)).toEqual([0, 1, 2, 3].map((n) => row('m', n)));
  });

  it('checks the age on a request that is not sampled too', async () => {
    const draws = [0, 0.9];
    let thunkCalls = 0;
    const { capture, clock, store } = harness({
      sampleRate: 0.5,
      batchRows: 100,
      batchMs: 1_000,
      random: () => draws.shift() ?? 1,
    });
    const rows = (n: number) => () => {
      thunkCalls++;
      return [row('m', n)];
    };
    capture.offer(rows(0));
    clock.advance(1_000);
    capture.offer(rows(1));
    expect(thunkCalls).toBe(1);
    expect(capture.stats()).toMatchObject({ inFlightRows: 1, bufferedRows: 0 });
    await capture.flush();
    expect(allRows(store)).toEqual([row('m', 0)]);
  });

  it('groups a batch by model, one object per model at capture/<model>/<yyyy>/<mm>/<dd>/<HHmmss>-<uuid>.jsonl', async () => {
    const { capture, store } = harness({ batchRows: 6 });
    capture.offer(() => [row('churn', 0), row('fraud', 1)]);
    capture.offer(() => [row('churn', 2)]);
    capture.offer(() => [row('fraud', 3), row('churn', 4), row('churn', 5)]);
    await capture.flush();
    const objects = captured(store);
    expect([...objects.keys()].sort()).toEqual([
      'capture/churn/2026/03/04/050607-id1.jsonl',
      'capture/fraud/2026/03/04/050607-id2.jsonl',
    ]);
    expect(objects.get('capture/churn/2026/03/04/050607-id1.jsonl')).toEqual(
      [0, 2, 4, 5].map((n) => row('churn', n)),
    );
    expect(objects.get('capture/fraud/2026/03/04/050607-id2.jsonl')).toEqual(
      [1, 3].map((n) => row('fraud', n)),
    );
  });

  it('writes a batch larger than a serialization slice whole and in order', async () => {
    const rows = SERIALIZE_SLICE_ROWS * 3 + 5;
    const { capture, store } = harness({ batchRows: rows });
    for (let i = 0; i < rows; i++) capture.offer(() => [row('m', i)]);
    await capture.flush();
    expect(store.objects.size).toBe(1);
    expect(allRows(store)).toEqual(Array.from({ length: rows }, (_, n) => row('m', n)));
  });

  it('takes the key time from the clock when the batch is written, in UTC', async () => {
    const { capture, clock, store } = harness({ batchRows: 1 });
    clock.advance(19 * 3_600_000); // 2026-03-05T00:06:07Z
    capture.offer(() => [row('m', 0)]);
    await capture.flush();
    expect([...captured(store).keys()]).toEqual(['capture/m/2026/03/05/000607-id1.jsonl']);
  });
});

describe('capture failures', () => {
  it('reports a failed write with the rows it dropped, and the next batch is written', async () => {
    const store = new ControlledStore();
    const { capture, errors } = harness({ artifacts: store, batchRows: 3 });
    store.failing = true;
    for (let i = 0; i < 3; i++) capture.offer(() => [row('m', i)]);
    await capture.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0].dropped).toBe(3);
    expect(errors[0].error).toBeInstanceOf(CaptureWriteError);
    expect(errors[0].error).toMatchObject({
      message: expect.stringContaining('S3 is unavailable'),
      context: { model: 'm', rows: 3 },
      cause: { message: 'S3 is unavailable' },
    });

    store.failing = false;
    for (let i = 3; i < 6; i++) capture.offer(() => [row('m', i)]);
    await capture.flush();
    expect(allRows(store)).toEqual([3, 4, 5].map((n) => row('m', n)));
    expect(capture.stats()).toMatchObject({ writtenRows: 3, failedRows: 3, bufferedRows: 0 });
  });

  it('drops only the failed model’s rows when one of a batch’s objects fails', async () => {
    const store = new ControlledStore();
    const failFor = 'capture/b/';
    const original = store.write.bind(store);
    store.write = async (ref, body, options) => {
      if (ref.key.startsWith(failFor)) throw new Error('denied');
      return original(ref, body, options);
    };
    const { capture, errors } = harness({ artifacts: store, batchRows: 3 });
    capture.offer(() => [row('a', 0), row('b', 1), row('a', 2)]);
    await capture.flush();
    expect(errors.map(({ dropped }) => dropped)).toEqual([1]);
    expect(allRows(store)).toEqual([row('a', 0), row('a', 2)]);
  });

  it('caps the rows held while S3 is stuck, counts and reports the rows dropped', async () => {
    const store = new ControlledStore();
    store.hold();
    const { capture, errors } = harness({ artifacts: store, batchRows: 5, maxRows: 20 });
    for (let i = 0; i < 30; i++) capture.offer(() => [row('m', i)]);
    expect(capture.stats()).toMatchObject({ inFlightRows: 5, bufferedRows: 15, droppedRows: 10 });
    store.release();
    await capture.flush();
    expect(capture.stats()).toMatchObject({ writtenRows: 20, droppedRows: 10, bufferedRows: 0 });
    expect(allRows(store)).toEqual(Array.from({ length: 20 }, (_, n) => row('m', n)));
    const overflow = errors.filter(({ error }) => error instanceof CaptureOverflowError);
    expect(overflow.reduce((sum, { dropped }) => sum + dropped, 0)).toBe(10);
  });

  it('keeps the part of a request that fits under the cap', async () => {
    const store = new ControlledStore();
    store.hold();
    const { capture } = harness({ artifacts: store, batchRows: 4, maxRows: 6 });
    capture.offer(() => [0, 1, 2, 3].map((n) => row('m', n)));
    capture.offer(() => [4, 5, 6].map((n) => row('m', n)));
    expect(capture.stats()).toMatchObject({ inFlightRows: 4, bufferedRows: 2, droppedRows: 1 });
    store.release();
    await capture.flush();
    expect(allRows(store)).toEqual([0, 1, 2, 3, 4, 5].map((n) => row('m', n)));
  });

  it('never throws into offer: a failing rows thunk and a failing reporter are contained', async () => {
    const store = new ControlledStore();
    store.failing = true;
    const { capture } = harness({
      artifacts: store,
      batchRows: 1,
      onError: () => {
        throw new Error('the reporter itself fails');
      },
    });
    expect(() =>
      capture.offer(() => {
        throw new Error('no rows');
      }),
    ).not.toThrow();
    expect(() => capture.offer(() => [row('m', 0)])).not.toThrow();
    await expect(capture.flush()).resolves.toBeUndefined();
    expect(capture.stats()).toMatchObject({ failedRows: 1, sampled: 2 });
  });
});

describe('capture flush()', () => {
  it('writes a partial batch and waits for the one in flight', async () => {
    const store = new ControlledStore();
    store.hold();
    const { capture } = harness({ artifacts: store, batchRows: 3 });
    for (let i = 0; i < 5; i++) capture.offer(() => [row('m', i)]);
    expect(capture.stats()).toMatchObject({ inFlightRows: 3, bufferedRows: 2 });
    let flushed = false;
    const flushing = capture.flush().then(() => {
      flushed = true;
    });
    await settle();
    expect(flushed).toBe(false);
    store.release();
    await flushing;
    expect(allRows(store)).toEqual([0, 1, 2, 3, 4].map((n) => row('m', n)));
    expect(capture.stats()).toMatchObject({ inFlightRows: 0, bufferedRows: 0, writtenObjects: 2 });
  });

  it('resolves at once with nothing buffered', async () => {
    const { capture, store } = harness();
    await capture.flush();
    expect(store.objects.size).toBe(0);
  });
});

describe('capture options', () => {
  it.each([
    [{ sampleRate: 1.5 }, /sampleRate/],
    [{ sampleRate: Number.NaN }, /sampleRate/],
    [{ batchRows: 0 }, /batchRows/],
    [{ batchMs: 0 }, /batchMs/],
    [{ batchRows: 10, maxRows: 5 }, /maxRows/],
  ])('refuses %o', (overrides, message) => {
    expect(() => harness(overrides)).toThrow(message);
  });
});
