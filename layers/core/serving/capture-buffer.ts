/**
 * The capture sink: samples requests, buffers their rows in memory and writes them to S3 in batches, one
 * JSONL object per model per flush (`capture/<model>/<yyyy>/<mm>/<dd>/<HHmmss>-<uuid>.jsonl`, see
 * capture-key.ts). The request path only draws, calls the rows thunk of a sampled request and pushes
 * onto an array; serializing (a slice of rows per turn of the event loop) and writing happen later, off
 * the request, one batch in flight at a time.
 *
 * How many rows a crash can lose. Rows live only in this process's memory until their batch is written,
 * so a crash (or Lambda reclaiming the container) loses every row not yet written:
 * - in steady state (S3 answering well within batchMs): fewer than batchRows rows waiting (plus the rows
 *   of the request that completes a batch) and the one batch being written, about batchRows more — so
 *   roughly 2 × batchRows at most; under light traffic a batch is cut as soon as a request sees its oldest
 *   row batchMs old, so what waits is then about batchMs worth of sampled rows;
 * - never more than maxRows (10 × batchRows by default) in any case: rows offered past that are dropped on
 *   arrival and reported through onError, so a slow or failing S3 cannot grow memory without bound;
 * - there is no timer (a frozen Lambda sandbox would not run it): the age check happens on each offer, so
 *   a container that goes idle keeps its last partial batch until the next request or flush(), and loses
 *   it if it is reclaimed first. Only code that owns the buffer (tests, benchmarks) calls flush(): the
 *   predict function cannot see its shutdown, on Lambda or on the local stack, which stops its edge thread
 *   the same way (README, Known limits).
 * A failed write is reported through onError with the number of rows it dropped and not retried: capture
 * is a sample, and a retry loop would hold memory and delay every later batch.
 */
import { randomUUID } from 'node:crypto';
import { SynergyError } from '../errors.ts';
import type { ArtifactStore, Clock } from '../ports.ts';
import { captureKey } from './capture-key.ts';
import type { CapturedRow, CaptureSink } from './deps.ts';

export interface CaptureBufferOptions {
  readonly artifacts: Pick<ArtifactStore, 'write'>;
  readonly bucket: string;
  /** Share of requests captured, 0..1 (each request is drawn once: all its rows or none). */
  readonly sampleRate: number;
  /** A batch is written when this many rows are buffered… */
  readonly batchRows: number;
  /** …or when the oldest buffered row is this old (checked on each offer). */
  readonly batchMs: number;
  readonly clock: Clock;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** The unique part of object keys (randomUUID by default). */
  readonly newId?: () => string;
  /** Most rows held in memory, buffered and being written together; 10 × batchRows by default. */
  readonly maxRows?: number;
  /** A batch (or part of one) was not written, or rows were dropped at the cap. Never throws into offer. */
  readonly onError: (error: unknown, droppedRows: number) => void;
}

export interface CaptureStats {
  /** Requests offered, and how many of them the draw sampled. */
  readonly offered: number;
  readonly sampled: number;
  /** Rows waiting for the next batch, and rows of the batch being written. */
  readonly bufferedRows: number;
  readonly inFlightRows: number;
  readonly writtenRows: number;
  /** Objects written (one per model per batch). */
  readonly writtenObjects: number;
  /** Rows lost to failed writes, and rows refused because the buffer was at maxRows. */
  readonly failedRows: number;
  readonly droppedRows: number;
}

export type CaptureBuffer = CaptureSink & { stats(): CaptureStats };

/** Writing a captured batch failed; the rows of that object are dropped. */
export class CaptureWriteError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'CaptureWriteError';
  }
}

/** Rows were refused because the buffer held maxRows (S3 slower than the sampled traffic). */
export class CaptureOverflowError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.name = 'CaptureOverflowError';
  }
}

const MAX_ROWS_PER_BATCH_ROWS = 10;

function checkOptions(options: CaptureBufferOptions, maxRows: number): void {
  const { sampleRate, batchRows, batchMs } = options;
  if (!(sampleRate >= 0 && sampleRate <= 1)) {
    throw new RangeError(`capture: sampleRate must be in [0, 1], got ${sampleRate}`);
  }
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new RangeError(`capture: batchRows must be an integer ≥ 1, got ${batchRows}`);
  }
  if (!(batchMs > 0)) throw new RangeError(`capture: batchMs must be > 0, got ${batchMs}`);
  if (!Number.isInteger(maxRows) || maxRows < batchRows) {
    throw new RangeError(`capture: maxRows must be an integer ≥ batchRows, got ${maxRows}`);
  }
}

function groupByModel(rows: readonly CapturedRow[]): Map<string, CapturedRow[]> {
  const groups = new Map<string, CapturedRow[]>();
  for (const row of rows) {
    const group = groups.get(row.model);
    if (group === undefined) groups.set(row.model, [row]);
    else group.push(row);
  }
  return groups;
}

/** Lets the request that cut a batch answer before the batch is serialized. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Rows serialized per turn of the event loop. A 1,000-row batch takes milliseconds to stringify; in
 * slices, requests arriving meanwhile wait for one slice (well under a millisecond), not the batch.
 */
export const SERIALIZE_SLICE_ROWS = 64;

async function jsonLines(rows: readonly CapturedRow[]): Promise<string> {
  const parts: string[] = [];
  for (let start = 0; start < rows.length; start += SERIALIZE_SLICE_ROWS) {
    if (start > 0) await nextTurn();
    let part = '';
    const end = Math.min(rows.length, start + SERIALIZE_SLICE_ROWS);
    for (let i = start; i < end; i++) part += `${JSON.stringify(rows[i])}\n`;
    parts.push(part);
  }
  return parts.join('');
}

export function createCaptureBuffer(options: CaptureBufferOptions): CaptureBuffer {
  const { artifacts, bucket, sampleRate, batchRows, batchMs, clock, random, onError } = options;
  const newId = options.newId ?? randomUUID;
  const maxRows = options.maxRows ?? MAX_ROWS_PER_BATCH_ROWS * batchRows;
  checkOptions(options, maxRows);

  let buffer: CapturedRow[] = [];
  let oldestAt = 0;
  let inFlight: Promise<void> | undefined;
  let inFlightRows = 0;
  let unreportedDrops = 0;
  const counts = { offered: 0, sampled: 0, writtenRows: 0, writtenObjects: 0, failedRows: 0, droppedRows: 0 };

  function report(error: unknown, droppedRows: number): void {
    try {
      onError(error, droppedRows);
    } catch {
      // The reporter is the last resort; capture must not fail the request or the flush because of it.
    }
  }

  function reportDrops(): void {
    if (unreportedDrops === 0) return;
    const dropped = unreportedDrops;
    unreportedDrops = 0;
    report(
      new CaptureOverflowError(
        `capture: ${dropped} rows dropped: the buffer held its maximum of ${maxRows}`,
        {
          maxRows,
          dropped,
        },
      ),
      dropped,
    );
  }

  function take(rows: readonly CapturedRow[]): void {
    const room = maxRows - buffer.length - inFlightRows;
    const kept = rows.length <= room ? rows.length : Math.max(0, room);
    if (kept < rows.length) {
      counts.droppedRows += rows.length - kept;
      unreportedDrops += rows.length - kept;
    }
    if (kept === 0) return;
    if (buffer.length === 0) oldestAt = clock.now().getTime();
    for (let i = 0; i < kept; i++) buffer.push(rows[i]);
  }

  function due(): boolean {
    return buffer.length >= batchRows || clock.now().getTime() - oldestAt >= batchMs;
  }

  async function writeGroup(model: string, rows: readonly CapturedRow[], at: Date): Promise<void> {
    const key = captureKey(model, at, newId());
    try {
      const body = await jsonLines(rows);
      await artifacts.write({ bucket, key }, body, { contentType: 'application/x-ndjson' });
      counts.writtenRows += rows.length;
      counts.writtenObjects++;
    } catch (error) {
      counts.failedRows += rows.length;
      const reason = error instanceof Error ? error.message : String(error);
      report(
        new CaptureWriteError(
          `capture: ${rows.length} rows of ${model} dropped: writing s3://${bucket}/${key} failed: ${reason}`,
          { model, bucket, key, rows: rows.length },
          { cause: error },
        ),
        rows.length,
      );
    }
  }

  async function writeBatch(batch: readonly CapturedRow[]): Promise<void> {
    await nextTurn();
    const at = clock.now();
    await Promise.all([...groupByModel(batch)].map(([model, rows]) => writeGroup(model, rows, at)));
  }

  function startFlush(): void {
    const batch = buffer;
    buffer = [];
    inFlightRows = batch.length;
    reportDrops();
    inFlight = writeBatch(batch).finally(() => {
      inFlight = undefined;
      inFlightRows = 0;
      if (buffer.length > 0 && due()) startFlush();
    });
  }

  return {
    offer(rows) {
      counts.offered++;
      if (sampleRate > 0 && random() < sampleRate) {
        counts.sampled++;
        try {
          take(rows());
        } catch (error) {
          report(error, 0);
        }
      }
      if (inFlight === undefined && buffer.length > 0 && due()) startFlush();
    },

    async flush() {
      for (;;) {
        if (inFlight !== undefined) await inFlight;
        else if (buffer.length > 0) startFlush();
        else break;
      }
      reportDrops();
    },

    stats() {
      return { ...counts, bufferedRows: buffer.length, inFlightRows };
    },
  };
}
