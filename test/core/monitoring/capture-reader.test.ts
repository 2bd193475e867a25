/**
 * Reading capture back: only the UTC days a window touches are listed, objects are chosen by flush time
 * and rows by their own time, a crashed writer's truncated last line is skipped and counted, any other
 * bad line fails naming object and line, and what the real capture buffer writes reads back unchanged.
 */
import { describe, expect, it } from 'vitest';
import { CaptureFormatError, readCapture } from '../../../layers/core/monitoring/capture-reader.ts';
import type { ArtifactStore, StoredObject } from '../../../layers/core/ports.ts';
import { createCaptureBuffer } from '../../../layers/core/serving/capture-buffer.ts';
import { captureKey } from '../../../layers/core/serving/capture-key.ts';
import type { CapturedRow } from '../../../layers/core/serving/deps.ts';
import { Random } from '../../../layers/ml/random.ts';
import { FixedClock, MemoryArtifactStore } from '../../support/memory-ports.ts';
import { BUCKET, capturedRow, generatedInput, MODEL } from './monitor-fixture.ts';

const at = (iso: string): Date => new Date(iso);

/** A store that records the prefixes listed. */
class ListingSpy extends MemoryArtifactStore {
  readonly listed: string[] = [];
  override list(bucket: string, prefix: string): AsyncIterable<StoredObject> {
    this.listed.push(prefix);
    return super.list(bucket, prefix);
  }
}

function putLines(store: MemoryArtifactStore, flushedAt: Date, id: string, text: string): string {
  const key = captureKey(MODEL, flushedAt, id);
  store.put({ bucket: BUCKET, key }, text);
  return key;
}

/** One object of rows, each scored at `flushedAt` minus 1 s, named after `names`. */
function putRows(store: MemoryArtifactStore, flushedAt: Date, id: string, names: readonly string[]): string {
  const random = new Random(names.length);
  const scored = new Date(flushedAt.getTime() - 1000);
  const lines = names.map(
    (name) => `${JSON.stringify({ ...capturedRow(generatedInput(random), scored, 0), requestId: name })}\n`,
  );
  return putLines(store, flushedAt, id, lines.join(''));
}

async function collect(
  store: ArtifactStore,
  from: Date,
  to: Date,
): Promise<{ rows: CapturedRow[]; stats: ReturnType<typeof readCapture>['stats'] }> {
  const reader = readCapture({ artifacts: store, bucket: BUCKET }, MODEL, from, to);
  const rows: CapturedRow[] = [];
  for await (const row of reader) rows.push(row);
  return { rows, stats: reader.stats };
}

describe('readCapture', () => {
  it('lists exactly the UTC days the window touches and keeps objects flushed inside it, in key order', async () => {
    const store = new ListingSpy();
    putRows(store, at('2026-01-01T23:00:00Z'), 'a', ['day1-before']);
    putRows(store, at('2026-01-01T23:45:10Z'), 'b', ['day1-in-1', 'day1-in-2']);
    putRows(store, at('2026-01-02T00:15:00Z'), 'c', ['day2-in']);
    putRows(store, at('2026-01-02T00:30:00Z'), 'd', ['day2-at-end']);
    putRows(store, at('2026-01-03T00:10:00Z'), 'e', ['day3']);
    putRows(store, at('2025-12-31T23:50:00Z'), 'f', ['day0']);

    const { rows, stats } = await collect(store, at('2026-01-01T23:30:00Z'), at('2026-01-02T00:30:00Z'));

    expect(rows.map((row) => row.requestId)).toEqual(['day1-in-1', 'day1-in-2', 'day2-in']);
    expect(store.listed).toEqual([`capture/${MODEL}/2026/01/01/`, `capture/${MODEL}/2026/01/02/`]);
    expect(stats).toEqual({ objects: 2, rows: 3, outsideWindow: 0, truncatedLines: 0 });
  });

  it('drops rows scored before the window even when their object was flushed inside it', async () => {
    const store = new MemoryArtifactStore();
    const flushed = at('2026-01-01T10:00:05Z');
    const early = capturedRow({ x1: 1 }, at('2026-01-01T09:59:58Z'), 1);
    const inside = capturedRow({ x1: 2 }, at('2026-01-01T10:00:01Z'), 2);
    putLines(store, flushed, 'a', `${JSON.stringify(early)}\n${JSON.stringify(inside)}\n`);

    const { rows, stats } = await collect(store, at('2026-01-01T10:00:00Z'), at('2026-01-01T11:00:00Z'));

    expect(rows).toEqual([inside]);
    expect(stats.outsideWindow).toBe(1);
  });

  it('keeps an object flushed in the second the window starts in (keys are truncated to the second)', async () => {
    const store = new MemoryArtifactStore();
    const row = capturedRow({ x1: 1 }, at('2026-01-01T10:00:00.600Z'), 1);
    putLines(store, at('2026-01-01T10:00:00.700Z'), 'a', `${JSON.stringify(row)}\n`);

    const { rows } = await collect(store, at('2026-01-01T10:00:00.500Z'), at('2026-01-01T10:05:00Z'));

    expect(rows).toEqual([row]);
  });

  it('reads nothing for an empty or inverted window', async () => {
    const store = new ListingSpy();
    putRows(store, at('2026-01-01T10:00:00Z'), 'a', ['x']);
    const when = at('2026-01-01T10:00:00Z');
    expect((await collect(store, when, when)).rows).toEqual([]);
    expect((await collect(store, at('2026-01-01T11:00:00Z'), when)).rows).toEqual([]);
    expect(store.listed).toEqual([]);
  });

  it('skips and counts a truncated last line, keeping the rows before it', async () => {
    const store = new MemoryArtifactStore();
    const rows = [1, 2, 3].map((n) => capturedRow({ x1: n }, at('2026-01-01T10:00:00Z'), n));
    const whole = rows.map((row) => JSON.stringify(row)).join('\n');
    const cut = whole.slice(0, whole.length - 17);
    putLines(store, at('2026-01-01T10:00:01Z'), 'a', cut);

    const read = await collect(store, at('2026-01-01T09:00:00Z'), at('2026-01-01T11:00:00Z'));

    expect(read.rows).toEqual(rows.slice(0, 2));
    expect(read.stats.truncatedLines).toBe(1);
  });

  it('keeps a complete last line that lacks its newline', async () => {
    const store = new MemoryArtifactStore();
    const row = capturedRow({ x1: 1 }, at('2026-01-01T10:00:00Z'), 1);
    putLines(store, at('2026-01-01T10:00:01Z'), 'a', JSON.stringify(row));

    const read = await collect(store, at('2026-01-01T09:00:00Z'), at('2026-01-01T11:00:00Z'));

    expect(read.rows).toEqual([row]);
    expect(read.stats.truncatedLines).toBe(0);
  });

  it.each([
    ['a line that is not JSON', (good: string) => `${good}\n{"requestId":\n${good}\n`, 'line 2: not JSON'],
    ['a bad last line ending in a newline', (good: string) => `${good}\n{"requestId":\n`, 'line 2: not JSON'],
    [
      'a row without its time',
      (good: string) => `${good}\n${good}\n${good.replace('"at"', '"when"')}\n`,
      'line 3: field "at"',
    ],
    ['a JSON array', (good: string) => `[${good}]\n`, 'line 1: not a JSON object'],
  ])('fails on %s, naming the object and the line', async (_what, body, expected) => {
    const store = new MemoryArtifactStore();
    const good = JSON.stringify(capturedRow({ x1: 1 }, at('2026-01-01T10:00:00Z'), 1));
    const key = putLines(store, at('2026-01-01T10:00:01Z'), 'bad', body(good));

    const reading = collect(store, at('2026-01-01T09:00:00Z'), at('2026-01-01T11:00:00Z'));

    await expect(reading).rejects.toBeInstanceOf(CaptureFormatError);
    await expect(reading).rejects.toThrow(`capture s3://${BUCKET}/${key} ${expected}`);
  });

  it('numbers the rows of captures written before rows carried their index, request by request', async () => {
    const store = new MemoryArtifactStore();
    const scored = at('2026-01-01T10:00:00Z');
    const legacy = (requestId: string, x1: number): string => {
      const { row: _dropped, ...rest } = { ...capturedRow({ x1 }, scored, 0), requestId };
      return `${JSON.stringify(rest)}\n`;
    };
    putLines(
      store,
      at('2026-01-01T10:00:01Z'),
      'a',
      legacy('r1', 1) + legacy('r1', 2) + legacy('r2', 3) + legacy('r1', 4),
    );
    putLines(store, at('2026-01-01T10:00:02Z'), 'b', legacy('r1', 5));

    const { rows } = await collect(store, at('2026-01-01T09:00:00Z'), at('2026-01-01T11:00:00Z'));

    expect(rows.map((row) => [row.requestId, row.input.x1, row.row])).toEqual([
      ['r1', 1, 0],
      ['r1', 2, 1],
      ['r2', 3, 0],
      ['r1', 4, 2],
      ['r1', 5, 0],
    ]);
  });

  it('ignores objects under a day that are not capture files', async () => {
    const store = new MemoryArtifactStore();
    store.put({ bucket: BUCKET, key: `capture/${MODEL}/2026/01/01/notes.txt` }, 'not capture');
    store.put({ bucket: BUCKET, key: `capture/${MODEL}/2026/01/01/996100-x.jsonl` }, 'bad time');
    putRows(store, at('2026-01-01T10:00:00Z'), 'a', ['kept']);

    const { rows } = await collect(store, at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'));

    expect(rows.map((row) => row.requestId)).toEqual(['kept']);
  });

  it('reads back exactly what the capture buffer wrote, across chunk boundaries and multi-byte text', async () => {
    const store = new MemoryArtifactStore();
    const clock = new FixedClock(at('2026-01-01T10:00:00Z'));
    const random = new Random(7);
    let id = 0;
    const buffer = createCaptureBuffer({
      artifacts: store,
      bucket: BUCKET,
      sampleRate: 1,
      batchRows: 800,
      batchMs: 60_000,
      clock,
      random: () => 0,
      newId: () => `id${id++}`,
      onError: (error) => {
        throw error;
      },
    });
    const written: CapturedRow[] = [];
    for (let i = 0; i < 2000; i++) {
      const input = { ...generatedInput(random), note: `café ☕ ${'é'.repeat(i % 7)}` };
      const row = capturedRow(input, clock.now(), i);
      written.push(row);
      buffer.offer(() => [row]);
      clock.advance(500);
    }
    await buffer.flush();
    const objects = [...store.objects.values()];
    expect(objects.length).toBeGreaterThan(1);
    expect(Math.max(...objects.map((o) => o.bytes.length))).toBeGreaterThan(64 * 1024);

    const end = new Date(clock.now().getTime() + 1000);
    const { rows, stats } = await collect(store, at('2026-01-01T09:00:00Z'), end);

    expect(rows).toEqual(written);
    expect(stats.objects).toBe(objects.length);
  });
});
