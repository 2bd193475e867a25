/**
 * Text pushed by one producer, read as byte chunks by one consumer (an upload): lines are gathered into
 * chunks of about `chunkChars` characters, and the producer waits while `maxChunks` chunks are unread, so
 * a side file written alongside a main stream keeps memory flat however many lines it gets.
 */
const encoder = new TextEncoder();

export class TextChannel implements AsyncIterable<Uint8Array> {
  private pending = '';
  private readonly chunks: Uint8Array[] = [];
  private closed = false;
  private failure: { readonly error: unknown } | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(
    private readonly chunkChars = 64 * 1024,
    private readonly maxChunks = 16,
  ) {}

  /** Resolves at once unless the consumer is `maxChunks` behind; throws once the channel is aborted. */
  async push(text: string): Promise<void> {
    this.throwIfAborted();
    if (this.closed) throw new Error('TextChannel: push after close');
    this.pending += text;
    if (this.pending.length < this.chunkChars) return;
    this.enqueuePending();
    while (this.chunks.length >= this.maxChunks) {
      this.throwIfAborted();
      await new Promise<void>((resolve) => {
        this.wakeWriter = resolve;
      });
    }
    this.throwIfAborted();
  }

  /** No more text: the consumer reads what is left and ends. Closing twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.enqueuePending();
    this.wake();
  }

  /** The consumer is gone (its upload failed): a waiting or later push throws `error`. */
  abort(error: unknown): void {
    this.failure ??= { error };
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.wakeWriter?.();
        this.wakeWriter = undefined;
        yield chunk;
        continue;
      }
      if (this.closed) return;
      this.throwIfAborted();
      await new Promise<void>((resolve) => {
        this.wakeReader = resolve;
      });
    }
  }

  private throwIfAborted(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  private enqueuePending(): void {
    if (this.pending === '') return;
    this.chunks.push(encoder.encode(this.pending));
    this.pending = '';
    this.wakeReader?.();
    this.wakeReader = undefined;
  }

  private wake(): void {
    this.wakeReader?.();
    this.wakeReader = undefined;
    this.wakeWriter?.();
    this.wakeWriter = undefined;
  }
}
