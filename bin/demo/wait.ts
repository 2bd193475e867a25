import { setTimeout as sleep } from 'node:timers/promises';
import { DemoTimeoutError } from './errors.ts';

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { readonly timeoutMs: number; readonly pollMs?: number; readonly hint?: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new DemoTimeoutError(
        `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}${options.hint ? ` (${options.hint})` : ''}`,
        { what, timeoutMs: options.timeoutMs },
      );
    }
    await sleep(options.pollMs ?? 200);
  }
}
