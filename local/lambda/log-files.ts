/**
 * Function output goes to `<logsDir>/<functionKey>.log`, one file per function, appended across runs:
 * Powertools' JSON lines and EMF metrics would bury the CLI's own output.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export class FunctionLogFiles {
  private readonly streams = new Map<string, WriteStream>();
  private closed = false;

  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  readonly write = (functionKey: string, line: string): void => {
    if (this.closed) return; // a sandbox being terminated may still flush a line
    let stream = this.streams.get(functionKey);
    if (!stream) {
      stream = createWriteStream(this.pathOf(functionKey), { flags: 'a' });
      this.streams.set(functionKey, stream);
    }
    stream.write(`${line}\n`);
  };

  pathOf(functionKey: string): string {
    return join(this.directory, `${functionKey}.log`);
  }

  /** Resolves once every line written so far is in its file. */
  async flush(): Promise<void> {
    // Write callbacks run in order: the empty write's runs after every earlier line is written.
    await Promise.all(
      [...this.streams.values()].map((stream) => new Promise((resolve) => stream.write('', resolve))),
    );
  }

  /** Flushes and closes every file. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = [...this.streams.values()].map(
      (stream) => new Promise<void>((resolve) => stream.end(() => resolve())),
    );
    this.streams.clear();
    await Promise.all(closing);
  }
}
