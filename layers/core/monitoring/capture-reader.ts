/**
 * Reads a model's captured rows back for a time window. Capture objects are partitioned by UTC day and
 * named by their flush time (serving/capture-key.ts), so only the days the window touches are listed and
 * only objects flushed within it are read; each row is then kept only if its own `at` lies in the window.
 * A row scored just before a window's end but flushed after it is therefore in no window: capture is a
 * sample, and the loss is bounded by what a sandbox buffers (capture-buffer.ts).
 *
 * Objects are streamed line by line, so memory holds one chunk and one line, not an object.
 */
import { SynergyError } from '../errors.ts';
import { s3Uri } from '../pipeline/keys.ts';
import type { ArtifactStore, ObjectRef } from '../ports.ts';
import type { CapturedRow } from '../serving/deps.ts';
import { captureDayPrefix, captureKeyTime } from './monitoring-keys.ts';

/** A capture object holds a line that is not a captured row (and is not a crashed writer's last line). */
export class CaptureFormatError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'CaptureFormatError';
  }
}

export interface CaptureReadStats {
  /** Capture objects read (flushed within the window). */
  objects: number;
  /** Rows yielded. */
  rows: number;
  /** Rows of those objects whose `at` lies outside the window (scored before it, flushed inside it). */
  outsideWindow: number;
  /**
   * Unparseable last lines without a newline: what a writer that crashed mid-object leaves behind.
   * Skipped, not an error; any other malformed line is.
   */
  truncatedLines: number;
}

/** The rows of a window in key order (days, then flush time), with what reading them skipped. */
export interface CaptureRows extends AsyncIterable<CapturedRow> {
  /** Counts of the latest iteration, complete once it has finished. */
  readonly stats: Readonly<CaptureReadStats>;
}

const DAY_MS = 86_400_000;
/** Key times are truncated to the second: an object keyed T was flushed during [T, T + 1 s). */
const KEY_RESOLUTION_MS = 1000;

/** UTC midnights of the days [from, to) touches. */
function daysTouching(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  if (!(from.getTime() < to.getTime())) return days;
  for (
    let day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    day < to.getTime();
    day += DAY_MS
  ) {
    days.push(new Date(day));
  }
  return days;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with a parsed line as a CapturedRow, or undefined when nothing is. */
function rowProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (typeof value.requestId !== 'string') return 'field "requestId" must be a string';
  if (typeof value.at !== 'string' || !Number.isFinite(Date.parse(value.at))) {
    return 'field "at" must be an ISO-8601 time';
  }
  if (typeof value.model !== 'string') return 'field "model" must be a string';
  if (typeof value.version !== 'number' || !Number.isInteger(value.version)) {
    return 'field "version" must be an integer';
  }
  if (value.row !== undefined && !(typeof value.row === 'number' && Number.isInteger(value.row))) {
    return 'field "row" must be an integer';
  }
  if (!isObject(value.input)) return 'field "input" must be an object';
  if (typeof value.prediction !== 'string' && typeof value.prediction !== 'number') {
    return 'field "prediction" must be a string or a number';
  }
  if (!isObject(value.probabilities)) return 'field "probabilities" must be an object';
  return undefined;
}

/**
 * Captures written before rows carried `row` lack it. A request's rows are captured together, in order,
 * in one object, so a row's index within its request is how many rows of that request came before it.
 */
function withRowIndex(row: CapturedRow, rowsSeen: Map<string, number>): CapturedRow {
  const before = rowsSeen.get(row.requestId) ?? 0;
  rowsSeen.set(row.requestId, before + 1);
  const recorded: unknown = row.row;
  return recorded === undefined ? { ...row, row: before } : row;
}

interface Line {
  readonly text: string;
  /** 1-based. */
  readonly number: number;
  /** Ends with a newline (every line a writer finished does). */
  readonly terminated: boolean;
}

async function* linesOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Line> {
  const decoder = new TextDecoder();
  let pending = '';
  let number = 0;
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield { text: pending.slice(start, end), number: ++number, terminated: true };
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== '') yield { text: pending, number: ++number, terminated: false };
}

async function* rowsOfObject(
  artifacts: Pick<ArtifactStore, 'stream'>,
  ref: ObjectRef,
  window: { readonly from: number; readonly to: number },
  stats: CaptureReadStats,
  signal: AbortSignal | undefined,
): AsyncGenerator<CapturedRow> {
  const rowsSeen = new Map<string, number>();
  for await (const line of linesOf(await artifacts.stream(ref, signal))) {
    if (line.text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      if (!line.terminated) {
        stats.truncatedLines++;
        continue;
      }
      throw new CaptureFormatError(
        `capture ${s3Uri(ref)} line ${line.number}: not JSON`,
        { uri: s3Uri(ref), line: line.number },
        { cause: error },
      );
    }
    const problem = rowProblem(value);
    if (problem !== undefined) {
      throw new CaptureFormatError(`capture ${s3Uri(ref)} line ${line.number}: ${problem}`, {
        uri: s3Uri(ref),
        line: line.number,
      });
    }
    const row = withRowIndex(value as unknown as CapturedRow, rowsSeen);
    const at = Date.parse(row.at);
    if (at < window.from || at >= window.to) {
      stats.outsideWindow++;
      continue;
    }
    stats.rows++;
    yield row;
  }
}

/**
 * The captured rows of `modelName` scored in [from, to), in key order. Throws CaptureFormatError naming
 * the object and line for a malformed line (other than a truncated last one, which is skipped and counted).
 */
export function readCapture(
  deps: { readonly artifacts: ArtifactStore; readonly bucket: string },
  modelName: string,
  from: Date,
  to: Date,
  signal?: AbortSignal,
): CaptureRows {
  let stats: CaptureReadStats = { objects: 0, rows: 0, outsideWindow: 0, truncatedLines: 0 };
  const window = { from: from.getTime(), to: to.getTime() };

  async function* rows(): AsyncGenerator<CapturedRow> {
    stats = { objects: 0, rows: 0, outsideWindow: 0, truncatedLines: 0 };
    for (const day of daysTouching(from, to)) {
      const prefix = captureDayPrefix(modelName, day);
      const keys: string[] = [];
      for await (const object of deps.artifacts.list(deps.bucket, prefix)) {
        const flushed = captureKeyTime(object.ref.key, prefix, day)?.getTime();
        if (flushed === undefined) continue;
        if (flushed < window.to && flushed + KEY_RESOLUTION_MS > window.from) keys.push(object.ref.key);
      }
      // S3 lists in key order already; sorting keeps that promise for any store.
      keys.sort();
      for (const key of keys) {
        signal?.throwIfAborted();
        stats.objects++;
        yield* rowsOfObject(deps.artifacts, { bucket: deps.bucket, key }, window, stats, signal);
      }
    }
  }

  return {
    get stats() {
      return stats;
    },
    [Symbol.asyncIterator]: () => rows()[Symbol.asyncIterator](),
  };
}
