/**
 * The holdout file: the test split's records exactly as the CSV had them (text fields keyed by column
 * name, one JSON object per line, in test-row order), so a champion with another preprocessor can be
 * re-scored on this run's holdout. Built by reading the CSV a second time, streaming, keeping only test
 * rows, with back-pressure: at most one source chunk's worth of lines is in memory.
 */
import { createHash } from 'node:crypto';
import { readCsv } from '../../ml/data/csv-records.ts';
import { ConflictError, SynergyError } from '../errors.ts';

export interface HoldoutSource {
  /** The CSV's bytes (a fresh stream of the same object the prep step read). */
  readonly bytes: AsyncIterable<Uint8Array>;
  /** sha256 of the bytes as first read: a different object now would give a wrong holdout. */
  readonly digest: string;
  /** 0-based data-record indices of the test split, ascending (trainTestSplit's order). */
  readonly testRows: Int32Array;
  /** For messages. */
  readonly uri: string;
}

/** The holdout as JSON-lines chunks, to be written as a stream. */
export function holdoutLines(source: HoldoutSource): AsyncIterable<Uint8Array> {
  return pullFrom<Uint8Array>(async (emit) => {
    const { testRows } = source;
    let header: string[] = [];
    let next = 0;
    let lines = '';
    const hash = createHash('sha256');
    const takeLines = (): string => {
      const taken = lines;
      lines = '';
      return taken;
    };
    // readCsv parses a chunk completely before asking for the next, so here the lines of the previous
    // chunk are complete: hand them over first, and memory stays at one chunk's lines.
    async function* gated(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source.bytes) {
        hash.update(chunk);
        if (lines !== '') await emit(Buffer.from(takeLines()));
        yield chunk;
      }
    }
    await readCsv(gated(), {
      header(fields) {
        header = fields;
      },
      record(fields, row) {
        // readCsv counts the header as row 1, so data record i is row i + 2.
        if (next < testRows.length && row - 2 === testRows[next]) {
          const record: Record<string, string> = {};
          header.forEach((name, j) => {
            record[name] = fields[j];
          });
          lines += `${JSON.stringify(record)}\n`;
          next++;
        }
      },
    });
    const digest = hash.digest('hex');
    if (digest !== source.digest || next !== testRows.length) {
      throw new ConflictError(`${source.uri} changed while the run was preparing it`, {
        uri: source.uri,
        expectedDigest: source.digest,
        digest,
      });
    }
    if (lines !== '') await emit(Buffer.from(takeLines()));
  });
}

/**
 * Turns a producer that pushes items (and waits until each is taken) into an iterable the consumer pulls
 * from. If the consumer stops early, the producer's next emit throws, so it stops reading too.
 */
async function* pullFrom<T>(produce: (emit: (item: T) => Promise<void>) => Promise<void>): AsyncGenerator<T> {
  let slot: { readonly item: T } | undefined;
  let outcome: { readonly error?: unknown; readonly failed: boolean } | undefined;
  let cancelled = false;
  let wakeConsumer: (() => void) | undefined;
  let producerWaiting: { readonly resume: () => void; readonly stop: (error: Error) => void } | undefined;
  const wake = (): void => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };
  const emit = (item: T): Promise<void> => {
    if (cancelled) return Promise.reject(new SynergyError('holdout: the reader stopped'));
    return new Promise<void>((resume, stop) => {
      slot = { item };
      producerWaiting = { resume, stop };
      wake();
    });
  };
  produce(emit).then(
    () => {
      outcome = { failed: false };
      wake();
    },
    (error: unknown) => {
      outcome = { error, failed: true };
      wake();
    },
  );
  try {
    for (;;) {
      if (slot) {
        const { item } = slot;
        slot = undefined;
        yield item;
        // Cleared only now: if the consumer stops during the yield, `finally` must still stop the producer.
        const producer = producerWaiting;
        producerWaiting = undefined;
        producer?.resume();
        continue;
      }
      if (outcome?.failed) throw outcome.error;
      if (outcome) return;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
  } finally {
    cancelled = true;
    producerWaiting?.stop(new SynergyError('holdout: the reader stopped'));
    producerWaiting = undefined;
  }
}
