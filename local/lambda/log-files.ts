/**
 * Function output goes to `<logsDir>/<functionKey>.log`, one file per function, appended across runs:
 * Powertools' JSON lines and EMF metrics would bury the CLI's own output. Lines are gathered and written
 * every WRITE_DELAY_MS (or once BATCH_BYTES pile up): under a request load every invocation adds at least
 * three lines (START, END, REPORT), and a file write per invocation costs more than a short invocation
 * (each one wakes a libuv thread). flush() and close() write at once.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const WRITE_DELAY_MS = 100;
const BATCH_BYTES = 64 * 1024;

export class FunctionLogFiles {
  private readonly streams = new Map<string, WriteStream>();
  /** Lines not yet handed to their stream, by function key. */
  private readonly pending = new Map<string, string>();
  private pendingLength = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  readonly write = (functionKey: string, line: string): void => {
    if (this.closed) return; // a sandbox being terminated may still flush a line
    this.pending.set(functionKey, `${this.pending.get(functionKey) ?? ''}${line}\n`);
    this.pendingLength += line.length + 1;
    if (this.pendingLength >= BATCH_BYTES) this.writePending();
    else this.timer ??= setTimeout(this.writePending, WRITE_DELAY_MS);
  };

  pathOf(functionKey: string): string {
    return join(this.directory, `${functionKey}.log`);
  }

  /** Resolves once every line written so far is in its file. */
  async flush(): Promise<void> {
    this.writePending();
    // Write callbacks run in order: the empty write's runs after every earlier line is written.
    await Promise.all(
      [...this.streams.values()].map((stream) => new Promise((resolve) => stream.write('', resolve))),
    );
  }

  /** Flushes and closes every file. */
  async close(): Promise<void> {
    this.writePending();
    this.closed = true;
    const closing = [...this.streams.values()].map(
      (stream) => new Promise<void>((resolve) => stream.end(() => resolve())),
    );
    this.streams.clear();
    await Promise.all(closing);
  }

  private readonly writePending = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingLength = 0;
    for (const [functionKey, text] of this.pending) {
      let stream = this.streams.get(functionKey);
      if (!stream) {
        stream = createWriteStream(this.pathOf(functionKey), { flags: 'a' });
        this.streams.set(functionKey, stream);
      }
      stream.write(text);
    }
    this.pending.clear();
  };
}
