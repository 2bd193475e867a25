import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Waits a "full jitter" delay before retry number `attempt` (1-based): uniform in [0, min(cap, base·2^n)].
 * The randomness is what spreads writers that lost the same conditional put, so they do not collide again.
 */
export function backoff(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): Promise<void> {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return sleep(Math.floor(random() * ceiling));
}
