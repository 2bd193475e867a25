/**
 * The clock the local stand-ins share (EventBridge schedules, CloudWatch alarm periods…), so a test or a
 * demo can run a week of schedules in seconds: `speed` scales real time, `advance` jumps ahead and fires
 * everything that fell due on the way, in time order.
 */

export interface LocalClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls fn once when the clock reaches atMs (at once if it already has); returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
  /**
   * The clock time of a real-time instant (epoch ms), for timestamps written by code on real time (the
   * functions' metrics): as far before the clock's now, in clock time, as it is before the real now.
   */
  fromRealTime(realMs: number): number;
}

export interface SimulatedClockOptions {
  /** Epoch ms the clock starts at (default: the real time now). */
  readonly start?: number;
  /** Simulated ms per real ms (default 1, real time). 0 freezes the clock: only advance() moves it. */
  readonly speed?: number;
}

interface Timer {
  readonly atMs: number;
  /** Creation order: timers due at the same moment fire in the order they were set. */
  readonly sequence: number;
  readonly fn: () => unknown;
}

export class SimulatedClock implements LocalClock {
  private readonly speed: number;
  /** Simulated time at `realBase` (performance.now()); now() extrapolates from here at `speed`. */
  private base: number;
  private realBase: number;
  private readonly timers: Timer[] = [];
  private sequence = 0;
  private realTimer: NodeJS.Timeout | undefined;
  private advancing: Promise<void> = Promise.resolve();
  private isAdvancing = false;
  private closed = false;

  constructor(options: SimulatedClockOptions = {}) {
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed < 0) {
      throw new RangeError(`SimulatedClock speed must be a finite number ≥ 0, got ${speed}`);
    }
    this.speed = speed;
    this.base = options.start ?? Date.now();
    this.realBase = performance.now();
  }

  fromRealTime(realMs: number): number {
    return Math.round(this.now() - (Date.now() - realMs) * this.speed);
  }

  now(): number {
    return Math.floor(this.base + (performance.now() - this.realBase) * this.speed);
  }

  at(atMs: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const timer: Timer = { atMs, sequence: this.sequence++, fn };
    this.timers.push(timer);
    this.armRealTimer();
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
      this.armRealTimer();
    };
  }

  /**
   * Moves the clock `ms` forward, firing every timer due on the way in time order, the clock reading each
   * timer's time while it runs; a callback's returned promise is awaited before the next timer. Timers set
   * by callbacks fire too if they fall within the jump. Calls queue: one advance finishes before the next.
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError(`advance needs a finite ms ≥ 0, got ${ms}`));
    }
    const run = this.advancing.then(() => this.runAdvance(ms));
    this.advancing = run.catch(() => {});
    return run;
  }

  /** Cancels every timer; later at() calls never fire. */
  close(): void {
    this.closed = true;
    this.timers.length = 0;
    this.clearRealTimer();
  }

  private async runAdvance(ms: number): Promise<void> {
    const target = this.now() + ms;
    this.isAdvancing = true;
    this.clearRealTimer();
    try {
      for (let timer = this.takeDue(target); timer; timer = this.takeDue(target)) {
        this.setTime(Math.max(timer.atMs, this.now()));
        await timer.fn();
      }
      this.setTime(Math.max(target, this.now()));
    } finally {
      this.isAdvancing = false;
      this.armRealTimer();
    }
  }

  private setTime(ms: number): void {
    this.base = ms;
    this.realBase = performance.now();
  }

  /** Removes and returns the earliest timer due at or before `limit`. */
  private takeDue(limit: number): Timer | undefined {
    let earliest: Timer | undefined;
    for (const timer of this.timers) {
      if (timer.atMs > limit) continue;
      if (
        !earliest ||
        timer.atMs < earliest.atMs ||
        (timer.atMs === earliest.atMs && timer.sequence < earliest.sequence)
      ) {
        earliest = timer;
      }
    }
    if (earliest) this.timers.splice(this.timers.indexOf(earliest), 1);
    return earliest;
  }

  /** One real timer, for the earliest simulated one; re-armed whenever the set or the time changes. */
  private armRealTimer(): void {
    this.clearRealTimer();
    if (this.closed || this.isAdvancing || this.timers.length === 0) return;
    const next = Math.min(...this.timers.map((timer) => timer.atMs));
    const waitSimulated = next - this.now();
    if (waitSimulated > 0 && this.speed === 0) return;
    const waitReal = waitSimulated <= 0 ? 0 : Math.ceil(waitSimulated / this.speed);
    // setTimeout's limit is 2^31-1 ms; longer waits re-arm on the way.
    this.realTimer = setTimeout(() => this.fireDue(), Math.min(waitReal, 2 ** 31 - 1));
    this.realTimer.unref();
  }

  private clearRealTimer(): void {
    if (this.realTimer !== undefined) clearTimeout(this.realTimer);
    this.realTimer = undefined;
  }

  /** Real-time firing behaves like setTimeout: a callback's error is the caller's, not the clock's. */
  private fireDue(): void {
    this.realTimer = undefined;
    if (this.isAdvancing) return;
    const now = this.now();
    try {
      for (let timer = this.takeDue(now); timer; timer = this.takeDue(now)) timer.fn();
    } finally {
      this.armRealTimer();
    }
  }
}
