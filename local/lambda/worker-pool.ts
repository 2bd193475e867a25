/**
 * The sandboxes of one function: at most `maxSandboxes` run at once (like reserved concurrency), a warm
 * idle one is reused before a new one starts (module scope survives, like a warm Lambda), invocations
 * beyond the limit wait their turn, and a sandbox idle for `idleMs` exits.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FunctionConfig } from '../config/stack-config.ts';
import type { Outcome } from './sandbox.ts';
import { Sandbox, timedOut } from './sandbox.ts';
import type { InvokeOptions, LambdaErrorPayload } from './types.ts';
import { LambdaFunctionError } from './types.ts';
import type { InvocationFields, SandboxContext } from './worker-protocol.ts';

export type PooledFunction = Pick<
  FunctionConfig,
  'key' | 'name' | 'arn' | 'timeoutSeconds' | 'memorySizeMb' | 'handler'
>;

export interface FunctionPoolOptions {
  readonly fn: PooledFunction;
  readonly bundlePath: string;
  readonly runtimePath: string;
  /** The whole environment of a sandbox (see environment.ts); the log stream name is added per sandbox. */
  readonly env: Readonly<Record<string, string>>;
  readonly maxSandboxes: number;
  /** Default 2 minutes. */
  readonly idleMs?: number;
  /** Each line the handler writes, plus Lambda's START/END/REPORT lines. */
  readonly onLog?: (line: string) => void;
}

export interface PoolStats {
  readonly sandboxes: number;
  readonly idle: number;
  readonly queued: number;
}

/** Lambda's limit on a synchronous invocation's request and response payloads. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const DEFAULT_IDLE_MS = 120_000;

interface Waiter {
  readonly resolve: (sandbox: Sandbox) => void;
  readonly reject: (error: unknown) => void;
}

export class FunctionPool {
  private readonly idle: Sandbox[] = [];
  private readonly sandboxes = new Set<Sandbox>();
  private readonly waiting: Waiter[] = [];
  /** When each idle sandbox became idle; one sweeper retires the ones idle too long. */
  private readonly idleSince = new Map<Sandbox, number>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: FunctionPoolOptions) {
    if (!Number.isInteger(options.maxSandboxes) || options.maxSandboxes < 1) {
      throw new RangeError(
        `${options.fn.key}: maxSandboxes must be an integer ≥ 1, got ${options.maxSandboxes}`,
      );
    }
  }

  stats(): PoolStats {
    return { sandboxes: this.sandboxes.size, idle: this.idle.length, queued: this.waiting.length };
  }

  async invoke(event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const { fn } = this.options;
    const eventJson = JSON.stringify(event) ?? 'null';
    if (Buffer.byteLength(eventJson) > MAX_PAYLOAD_BYTES) {
      throw LambdaFunctionError.service(
        fn.key,
        'Lambda.RequestTooLargeException',
        `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      );
    }
    // A signal of its own: one execution's signal is shared by every invocation it makes (a Map's cells),
    // and a listener per invocation on it would pile up past Node's MaxListeners warning.
    const signal = options.signal && AbortSignal.any([options.signal]);
    const sandbox = await this.acquire(signal);
    let outcome: Outcome;
    try {
      outcome = await this.runOn(sandbox, eventJson, signal);
    } finally {
      this.release(sandbox);
    }
    signal?.throwIfAborted();
    if (!outcome.ok) throw LambdaFunctionError.fromPayload(fn.key, outcome.error);
    if (Buffer.byteLength(outcome.resultJson) > MAX_PAYLOAD_BYTES) {
      throw LambdaFunctionError.fromPayload(fn.key, {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
      });
    }
    return JSON.parse(outcome.resultJson);
  }

  /** Terminates every sandbox; queued invocations reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.stoppedError());
    clearInterval(this.sweeper);
    this.idleSince.clear();
    this.idle.length = 0;
    await Promise.all([...this.sandboxes].map((sandbox) => sandbox.terminate()));
    this.sandboxes.clear();
  }

  private async runOn(
    sandbox: Sandbox,
    eventJson: string,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const invocation: InvocationFields = {
      awsRequestId: randomUUID(),
      deadlineMs: Date.now() + this.options.fn.timeoutSeconds * 1000,
    };
    if (!signal) return this.runLogged(sandbox, eventJson, invocation);
    const onAbort = () => void sandbox.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.runLogged(sandbox, eventJson, invocation);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async runLogged(
    sandbox: Sandbox,
    eventJson: string,
    invocation: InvocationFields,
  ): Promise<Outcome> {
    const { fn, onLog } = this.options;
    const initError = sandbox.isReady ? undefined : await this.awaitInit(sandbox, invocation);
    if (initError) return { ok: false, error: initError };
    const requestId = invocation.awsRequestId;
    onLog?.(`START RequestId: ${requestId} Version: $LATEST`);
    const started = performance.now();
    const outcome = await sandbox.run(eventJson, invocation, fn.timeoutSeconds);
    if (onLog) {
      const ms = performance.now() - started;
      onLog(`END RequestId: ${requestId}`);
      onLog(
        `REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: ${fn.memorySizeMb} MB`,
      );
    }
    return outcome;
  }

  /** A cold sandbox's init counts against the invocation's timeout, as Lambda's on-demand init does. */
  private async awaitInit(
    sandbox: Sandbox,
    invocation: InvocationFields,
  ): Promise<LambdaErrorPayload | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, invocation.deadlineMs - Date.now()));
    });
    try {
      const initError = await Promise.race([sandbox.ready, timeout]);
      if (initError !== 'timeout') return initError;
      await sandbox.terminate();
      return timedOut(invocation.awsRequestId, this.options.fn.timeoutSeconds);
    } finally {
      clearTimeout(timer);
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<Sandbox> {
    signal?.throwIfAborted();
    if (this.closed) return Promise.reject(this.stoppedError());
    const warm = this.idle.pop();
    if (warm) {
      this.idleSince.delete(warm);
      warm.setBusy(true);
      return Promise.resolve(warm);
    }
    if (this.sandboxes.size < this.options.maxSandboxes) return Promise.resolve(this.start());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (sandbox) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(sandbox);
        },
        reject,
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(sandbox: Sandbox): void {
    if (!sandbox.alive) {
      this.sandboxes.delete(sandbox);
      if (!this.closed && this.waiting.length > 0) this.waiting.shift()?.resolve(this.start());
      return;
    }
    const next = this.waiting.shift();
    if (next) {
      next.resolve(sandbox);
      return;
    }
    sandbox.setBusy(false);
    this.idle.push(sandbox);
    this.idleSince.set(sandbox, performance.now());
    // A timer per release would cost more than a short invocation: one sweep every half idle period.
    if (!this.sweeper) {
      const idleMs = this.options.idleMs ?? DEFAULT_IDLE_MS;
      this.sweeper = setInterval(() => this.retireIdle(idleMs), Math.max(1, idleMs / 2));
      this.sweeper.unref();
    }
  }

  private retireIdle(idleMs: number): void {
    const now = performance.now();
    for (const [sandbox, since] of this.idleSince) {
      if (now - since < idleMs) continue;
      this.forget(sandbox);
      void sandbox.terminate();
    }
    if (this.idleSince.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Drops a sandbox that ended or is ending; a busy one is dropped again on release (harmless). */
  private forget(sandbox: Sandbox): void {
    const at = this.idle.indexOf(sandbox);
    if (at >= 0) this.idle.splice(at, 1);
    this.idleSince.delete(sandbox);
    this.sandboxes.delete(sandbox);
  }

  private start(): Sandbox {
    const { fn } = this.options;
    const stream = logStreamName();
    const sandbox = new Sandbox({
      runtimePath: this.options.runtimePath,
      init: {
        bundlePath: this.options.bundlePath,
        exportName: fn.handler.exportName,
        handlerName: `${fn.handler.module}.${fn.handler.exportName}`,
        enableSourceMaps: /--enable-source-maps\b/.test(this.options.env.NODE_OPTIONS ?? ''),
        context: sandboxContext(fn, stream),
      },
      env: this.options.env,
      memorySizeMb: fn.memorySizeMb,
      logStreamName: stream,
      onLog: this.options.onLog ?? (() => {}),
      onExit: (ended) => this.forget(ended),
    });
    this.sandboxes.add(sandbox);
    return sandbox;
  }

  private stoppedError(): LambdaFunctionError {
    return LambdaFunctionError.service(
      this.options.fn.key,
      'Lambda.ServiceException',
      `the local runtime stopped before ${this.options.fn.key} could run`,
    );
  }
}

/** Lambda's format: <date>/[<version>]<32 hex>. */
export function logStreamName(): string {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** The context fields a sandbox of `fn` gives every invocation (Lambda's values for $LATEST). */
export function sandboxContext(
  fn: Pick<FunctionConfig, 'name' | 'arn' | 'memorySizeMb'>,
  logStreamName: string,
): SandboxContext {
  return {
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memorySizeMb),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName,
  };
}
