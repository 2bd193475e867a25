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
import type { ContextFields } from './worker-protocol.ts';

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
  private readonly idleTimers = new Map<Sandbox, NodeJS.Timeout>();
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
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    this.idle.length = 0;
    await Promise.all([...this.sandboxes].map((sandbox) => sandbox.terminate()));
    this.sandboxes.clear();
  }

  private async runOn(
    sandbox: Sandbox,
    eventJson: string,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const { fn, onLog } = this.options;
    const context = this.contextFor(sandbox);
    const log = onLog ?? (() => {});
    const onAbort = () => void sandbox.terminate();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const initError = await this.awaitInit(sandbox, context);
      if (initError) return { ok: false, error: initError };
      log(`START RequestId: ${context.awsRequestId} Version: $LATEST`);
      const started = performance.now();
      const outcome = await sandbox.run(eventJson, context, fn.timeoutSeconds);
      const ms = performance.now() - started;
      log(`END RequestId: ${context.awsRequestId}`);
      log(
        `REPORT RequestId: ${context.awsRequestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: ${fn.memorySizeMb} MB`,
      );
      return outcome;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A cold sandbox's init counts against the invocation's timeout, as Lambda's on-demand init does. */
  private async awaitInit(sandbox: Sandbox, context: ContextFields): Promise<LambdaErrorPayload | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, context.deadlineMs - Date.now()));
    });
    try {
      const initError = await Promise.race([sandbox.ready, timeout]);
      if (initError !== 'timeout') return initError;
      await sandbox.terminate();
      return timedOut(context.awsRequestId, this.options.fn.timeoutSeconds);
    } finally {
      clearTimeout(timer);
    }
  }

  private contextFor(sandbox: Sandbox): ContextFields {
    const { fn } = this.options;
    return {
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: String(fn.memorySizeMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: sandbox.logStreamName,
      deadlineMs: Date.now() + fn.timeoutSeconds * 1000,
    };
  }

  private acquire(signal: AbortSignal | undefined): Promise<Sandbox> {
    signal?.throwIfAborted();
    if (this.closed) return Promise.reject(this.stoppedError());
    const warm = this.idle.pop();
    if (warm) {
      clearTimeout(this.idleTimers.get(warm));
      this.idleTimers.delete(warm);
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
    const timer = setTimeout(() => this.retire(sandbox), this.options.idleMs ?? DEFAULT_IDLE_MS);
    timer.unref();
    this.idleTimers.set(sandbox, timer);
  }

  private retire(sandbox: Sandbox): void {
    this.forget(sandbox);
    void sandbox.terminate();
  }

  /** Drops a sandbox that ended or is ending; a busy one is dropped again on release (harmless). */
  private forget(sandbox: Sandbox): void {
    const at = this.idle.indexOf(sandbox);
    if (at >= 0) this.idle.splice(at, 1);
    clearTimeout(this.idleTimers.get(sandbox));
    this.idleTimers.delete(sandbox);
    this.sandboxes.delete(sandbox);
  }

  private start(): Sandbox {
    const { fn } = this.options;
    const sandbox = new Sandbox({
      runtimePath: this.options.runtimePath,
      init: {
        bundlePath: this.options.bundlePath,
        exportName: fn.handler.exportName,
        handlerName: `${fn.handler.module}.${fn.handler.exportName}`,
        enableSourceMaps: /--enable-source-maps\b/.test(this.options.env.NODE_OPTIONS ?? ''),
      },
      env: this.options.env,
      memorySizeMb: fn.memorySizeMb,
      logStreamName: logStreamName(),
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
function logStreamName(): string {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
