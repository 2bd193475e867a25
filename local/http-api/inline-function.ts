/**
 * One function run in the thread that serves HTTP — a Lambda sandbox without the thread hop: module scope
 * kept between invocations, one invocation at a time (later ones wait in order, as requests would wait
 * for a single warm sandbox), a deadline per invocation. The result is not copied through JSON: the edge
 * maps it to the HTTP response as API Gateway maps Lambda's JSON answer. A handler still running at its
 * deadline is reported as Sandbox.Timedout; unlike a worker it cannot be killed, so it finishes in the
 * background, its answer ignored, and the next invocation starts.
 *
 * One watchdog timer serves every invocation: armed for the deadline of the invocation running when it is
 * armed, re-armed for the current one if that one finished in time. A timer per invocation (or a
 * setImmediate per invocation to decide whether to arm one) cost more than a fast invocation.
 */
import { randomUUID } from 'node:crypto';
import { callHandler, type Handler } from '../lambda/handler-runtime.ts';
import { LambdaFunctionError } from '../lambda/types.ts';
import type { EdgeInit } from './edge-protocol.ts';

interface Running {
  readonly deadlineMs: number;
  /** Ends the invocation with Sandbox.Timedout unless it has ended already. */
  readonly expire: () => void;
}

export class InlineFunction {
  private readonly waiting: (() => void)[] = [];
  private running: Running | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly timeoutMs: number;

  constructor(
    private readonly handler: Handler,
    private readonly spec: EdgeInit['inline'],
  ) {
    this.timeoutMs = spec.timeoutSeconds * 1000;
  }

  invoke(event: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const start = () => this.start(event, resolve, reject);
      if (this.running === undefined && this.waiting.length === 0) start();
      else this.waiting.push(start);
    });
  }

  private start(event: unknown, resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
    const deadlineMs = Date.now() + this.timeoutMs;
    let ended = false;
    const end = (): boolean => {
      if (ended) return false;
      ended = true;
      this.running = undefined;
      this.waiting.shift()?.();
      return true;
    };
    this.running = {
      deadlineMs,
      expire: () => {
        if (end())
          reject(
            this.failure(
              'Sandbox.Timedout',
              `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
            ),
          );
      },
    };
    this.armWatchdog(deadlineMs);
    callHandler(this.handler, event, this.spec.context, randomUUID(), deadlineMs).then(
      // Lambda serializes the result: undefined becomes null; anything else is sent as JSON by the edge.
      (result) => {
        if (end()) resolve(result === undefined ? null : result);
      },
      (error: unknown) => {
        if (!end()) return;
        if (error instanceof LambdaFunctionError) reject(error);
        else if (error instanceof Error) reject(this.failure(error.name, error.message));
        else reject(this.failure(typeof error, String(error)));
      },
    );
  }

  private armWatchdog(deadlineMs: number): void {
    if (this.watchdog !== undefined) return;
    this.watchdog = setTimeout(() => this.checkDeadline(), Math.max(0, deadlineMs - Date.now()));
    // The handler's own work keeps the thread alive while it runs; the watchdog alone should not.
    this.watchdog.unref();
  }

  private checkDeadline(): void {
    this.watchdog = undefined;
    const running = this.running;
    if (running === undefined) return;
    if (Date.now() >= running.deadlineMs) running.expire();
    else this.armWatchdog(running.deadlineMs);
  }

  private failure(errorType: string, errorMessage: string): LambdaFunctionError {
    return LambdaFunctionError.fromPayload(this.spec.functionKey, { errorType, errorMessage });
  }
}
