/**
 * One warm Lambda sandbox on the main-thread side: starts the worker, forwards its output line by line,
 * runs one invocation at a time with a deadline, and turns the ways a sandbox dies into Lambda's errors
 * (a timeout is Sandbox.Timedout, a crash or out-of-memory is Runtime.ExitError).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { LambdaErrorPayload } from './types.ts';
import type { InvocationFields, InvokeMessage, SandboxInit, SandboxMessage } from './worker-protocol.ts';

export interface SandboxOptions {
  readonly runtimePath: string;
  readonly init: SandboxInit;
  readonly env: Readonly<Record<string, string>>;
  readonly memorySizeMb: number;
  /** This sandbox's log stream (AWS_LAMBDA_LOG_STREAM_NAME and context.logStreamName). */
  readonly logStreamName: string;
  readonly onLog: (line: string) => void;
  /** The worker ended (terminated, crashed, ran out of memory), busy or idle. */
  readonly onExit?: (sandbox: Sandbox) => void;
}

/** The outcome of one invocation: the result's JSON text, or the error payload Lambda would return. */
export type Outcome =
  | { readonly ok: true; readonly resultJson: string }
  | { readonly ok: false; readonly error: LambdaErrorPayload };

interface Pending {
  readonly id: number;
  readonly settle: (outcome: Outcome) => void;
  readonly timer: NodeJS.Timeout;
  readonly requestId: string;
}

export class Sandbox {
  /** Resolves with undefined once the handler is loaded, or with the init error (the sandbox is then dead). */
  readonly ready: Promise<LambdaErrorPayload | undefined>;
  readonly logStreamName: string;
  private readonly worker: Worker;
  private pending: Pending | undefined;
  private nextId = 1;
  private dead = false;
  private crash: Error | undefined;
  private readonly exited: Promise<void>;
  private readonly output: LineSplitter;
  private initialized = false;

  constructor(options: SandboxOptions) {
    this.logStreamName = options.logStreamName;
    this.worker = new Worker(options.runtimePath, {
      workerData: options.init,
      env: { ...options.env, AWS_LAMBDA_LOG_STREAM_NAME: options.logStreamName },
      // Not the parent's flags: under tsx or vitest they would load a TypeScript loader into every sandbox.
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: options.memorySizeMb },
    });
    this.output = new LineSplitter(options.onLog);
    // The handler's output arrives as messages (see SandboxMessage); the streams only carry what
    // bypasses process.stdout/stderr.
    forwardLines(this.worker.stdout, options.onLog);
    forwardLines(this.worker.stderr, options.onLog);
    this.worker.on('error', (error) => {
      this.crash = error;
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.ready = new Promise((resolve) => {
      const onMessage = (message: SandboxMessage) => {
        if (message.type === 'output') this.output.push(message.text);
        else if (message.type === 'ready') {
          this.initialized = true;
          resolve(undefined);
        } else if (message.type === 'init-failed') {
          resolve(message.error);
          void this.terminate();
        } else this.settle(message);
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', (code) => {
        this.dead = true;
        this.output.end();
        const error = this.exitPayload(code, this.pending?.requestId);
        resolve(error);
        this.finish({ ok: false, error });
        options.onExit?.(this);
      });
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** The init phase is over and succeeded (`ready` resolved with undefined). */
  get isReady(): boolean {
    return this.initialized && !this.dead;
  }

  /** Idle sandboxes do not keep the process alive; a busy one does. */
  setBusy(busy: boolean): void {
    if (busy) this.worker.ref();
    else this.worker.unref();
  }

  /** Runs one invocation until `invocation.deadlineMs`; the sandbox must be ready and idle. */
  run(eventJson: string, invocation: InvocationFields, timeoutSeconds: number): Promise<Outcome> {
    if (this.pending) throw new Error('sandbox is busy: one invocation at a time');
    const { awsRequestId, deadlineMs } = invocation;
    if (this.dead) {
      return Promise.resolve({ ok: false, error: this.exitPayload(1, awsRequestId) });
    }
    return new Promise((settle) => {
      const id = this.nextId++;
      const timer = setTimeout(
        () => {
          this.finish({ ok: false, error: timedOut(awsRequestId, timeoutSeconds) });
          void this.terminate();
        },
        Math.max(0, deadlineMs - Date.now()),
      );
      this.pending = { id, settle, timer, requestId: awsRequestId };
      const message: InvokeMessage = { type: 'invoke', id, eventJson, awsRequestId, deadlineMs };
      this.worker.postMessage(message);
    });
  }

  /** Ends the worker; an invocation in flight settles as Runtime.ExitError. */
  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
    await this.exited;
  }

  private settle(message: SandboxMessage): void {
    if (message.type !== 'result' && message.type !== 'error') return;
    this.output.push(message.output);
    this.output.end(); // the handler's last output may lack a newline: still its own line, before END
    if (message.id !== this.pending?.id) return; // a late answer to an invocation that already timed out
    this.finish(
      message.type === 'result'
        ? { ok: true, resultJson: message.resultJson }
        : { ok: false, error: message.error },
    );
  }

  private finish(outcome: Outcome): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.settle(outcome);
  }

  private exitPayload(code: number, requestId: string | undefined): LambdaErrorPayload {
    const reason = this.crash
      ? `${this.crash.name}: ${this.crash.message}`
      : code === 1 && this.dead
        ? 'terminated'
        : `exit status ${code}`;
    return {
      errorType: 'Runtime.ExitError',
      errorMessage: `${requestId ? `RequestId: ${requestId} ` : ''}Error: Runtime exited with error: ${reason}`,
      trace: this.crash?.stack?.split('\n') ?? [],
    };
  }
}

/** Lambda's error for an invocation that ran past the function's timeout. */
export function timedOut(requestId: string, timeoutSeconds: number): LambdaErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

function forwardLines(stream: Readable, onLog: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', onLog);
}

/** Text in pieces → whole lines (`\n` or `\r\n`); end() sends a last line that had no newline. */
class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    if (text === '') return;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      const piece = text.slice(start, end);
      this.onLine(this.partial === '' ? piece : this.partial + piece);
      this.partial = '';
      start = newline + 1;
    }
    if (start < text.length) this.partial += text.slice(start);
  }

  end(): void {
    if (this.partial === '') return;
    const line = this.partial;
    this.partial = '';
    this.onLine(line);
  }
}
