import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../local/clock.ts';

const START = Date.UTC(2024, 0, 1, 0, 0, 0);

describe('SimulatedClock', () => {
  const clocks: SimulatedClock[] = [];
  const frozen = (start = START) => {
    const clock = new SimulatedClock({ start, speed: 0 });
    clocks.push(clock);
    return clock;
  };
  afterEach(() => {
    for (const clock of clocks.splice(0)) clock.close();
  });

  it('starts at `start` and moves only by advance when speed is 0', async () => {
    const clock = frozen();
    expect(clock.now()).toBe(START);
    await clock.advance(90_000);
    expect(clock.now()).toBe(START + 90_000);
  });

  it('fires due timers in time order, reading each timer time, ties in creation order', async () => {
    const clock = frozen();
    const fired: [string, number][] = [];
    const record = (name: string) => () => void fired.push([name, clock.now()]);
    clock.at(START + 3000, record('c'));
    clock.at(START + 1000, record('a'));
    clock.at(START + 2000, record('b1'));
    clock.at(START + 2000, record('b2'));
    clock.at(START + 9000, record('late'));
    await clock.advance(5000);
    expect(fired).toEqual([
      ['a', START + 1000],
      ['b1', START + 2000],
      ['b2', START + 2000],
      ['c', START + 3000],
    ]);
    expect(clock.now()).toBe(START + 5000);
    await clock.advance(4000);
    expect(fired.at(-1)).toEqual(['late', START + 9000]);
  });

  it('fires timers that callbacks set within the same advance', async () => {
    const clock = frozen();
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now());
      clock.at(clock.now() + 1000, tick);
    };
    clock.at(START + 1000, tick);
    await clock.advance(3500);
    expect(fired).toEqual([START + 1000, START + 2000, START + 3000]);
  });

  it("awaits a callback's promise before firing the next timer", async () => {
    const clock = frozen();
    const log: string[] = [];
    clock.at(START + 10, async () => {
      log.push('first started');
      await new Promise((resolve) => setImmediate(resolve));
      log.push('first done');
    });
    clock.at(START + 20, () => void log.push('second'));
    await clock.advance(20);
    expect(log).toEqual(['first started', 'first done', 'second']);
  });

  it('never fires a cancelled timer, and fires a past-due timer on the next advance', async () => {
    const clock = frozen();
    const fired: string[] = [];
    const cancel = clock.at(START + 100, () => void fired.push('cancelled'));
    clock.at(START - 5000, () => void fired.push('past'));
    cancel();
    await clock.advance(0);
    expect(fired).toEqual(['past']);
    await clock.advance(1000);
    expect(fired).toEqual(['past']);
  });

  it('rejects a bad advance and passes a callback error to the advancing caller', async () => {
    const clock = frozen();
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    clock.at(START + 1, () => {
      throw new Error('boom');
    });
    await expect(clock.advance(10)).rejects.toThrow('boom');
    // The queue of advances survives a failed one.
    await clock.advance(10);
    expect(clock.now()).toBe(START + 11);
  });

  it('fires timers through real time, scaled by speed', async () => {
    const clock = new SimulatedClock({ start: START, speed: 100_000 });
    clocks.push(clock);
    // An hour of simulated time is 36 real ms at this speed.
    const firedAt = await new Promise<number>((resolve) => {
      clock.at(START + 3_600_000, () => resolve(clock.now()));
    });
    expect(firedAt).toBeGreaterThanOrEqual(START + 3_600_000);
  });

  it('forgets every timer on close', async () => {
    const clock = frozen();
    const fired: string[] = [];
    clock.at(START + 1, () => void fired.push('before close'));
    clock.close();
    clock.at(START + 2, () => void fired.push('after close'));
    await clock.advance(10);
    expect(fired).toEqual([]);
  });

  it('refuses a negative speed', () => {
    expect(() => new SimulatedClock({ speed: -1 })).toThrow(RangeError);
  });
});

describe('fromRealTime', () => {
  it('places a real instant as far before the clock’s now as it is before the real now, at the clock’s speed', async () => {
    const fast = new SimulatedClock({ start: Date.UTC(2030, 0, 1), speed: 60 });
    try {
      await fast.advance(3_600_000);
      const secondAgo = Date.now() - 1000;
      const mapped = fast.fromRealTime(secondAgo);
      // One real second is a minute of clock time; allow for the milliseconds between the two reads.
      expect(fast.now() - mapped).toBeGreaterThanOrEqual(59_000);
      expect(fast.now() - mapped).toBeLessThanOrEqual(61_000);
    } finally {
      fast.close();
    }
  });

  it('maps every real instant to now on a frozen clock', () => {
    const frozen = new SimulatedClock({ start: 5_000_000, speed: 0 });
    try {
      expect(frozen.fromRealTime(Date.now() - 10_000)).toBe(5_000_000);
    } finally {
      frozen.close();
    }
  });
});
