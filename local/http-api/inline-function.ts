/**
 * One function run in the thread that serves HTTP — a Lambda sandbox without the thread hop: module scope
 * kept between invocations, one invocation at a time (later ones queue, as requests would wait for a
 * single warm sandbox), a deadline per invocation. The result is not copied through JSON: the edge
 * maps it to the HTTP response as API Gateway maps Lambda's JSON answer. A handler still running at its deadline is reported as Sandbox.Timedout; unlike a worker it
 * cannot be killed, so it finishes in the background and the queue moves on.
 */
import { randomUUID } from 'node:crypto';
import { callHandler, type Handler } from '../lambda/handler-runtime.ts';
import { LambdaFunctionError } from '../lambda/types.ts';
import type { EdgeInit } from './edge-protocol.ts';

export class InlineFunction {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly handler: Handler,
    private readonly spec: EdgeInit['inline'],
  ) {}

  invoke(event: unknown): Promise<unknown> {
    const run = this.tail.then(() => this.runOne(event));
    this.tail = run.catch(() => {});
    return run;
  }

  private async runOne(event: unknown): Promise<unknown> {
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const deadlineMs = Date.now() + timeoutMs;
    const call = callHandler(this.handler, event, this.spec.context, randomUUID(), deadlineMs);
    try {
      // One timer per invocation costs more than a fast invocation (timer list inserts): the deadline is
      // only armed when the handler has not answered by the next macrotask.
      const result = await raceDeadline(call, deadlineMs, () =>
        LambdaFunctionError.fromPayload(this.spec.functionKey, {
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
        }),
      );
      // Lambda serializes the result: undefined becomes null; anything else is sent as JSON by the edge.
      return result === undefined ? null : result;
    } catch (error) {
      if (error instanceof LambdaFunctionError) throw error;
      const name = error instanceof Error ? error.name : typeof error;
      const message = error instanceof Error ? error.message : String(error);
      throw LambdaFunctionError.fromPayload(this.spec.functionKey, {
        errorType: name,
        errorMessage: message,
      });
    }
  }
}

/** `work`, or `timeout()` once `deadlineMs` passes; the timer is set only if `work` is still pending after a tick. */
function raceDeadline<T>(work: Promise<T>, deadlineMs: number, timeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    work.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
    setImmediate(() => {
      if (!settled) timer = setTimeout(() => reject(timeout()), Math.max(0, deadlineMs - Date.now()));
    });
  });
}
