/**
 * A bounded map of promises that expire: concurrent lookups of one key share one promise, a rejected
 * lookup is forgotten at once (the next request asks again), and the map never grows past `maxEntries`
 * however many distinct keys clients send (names come from request paths).
 */
interface Entry<V> {
  readonly value: Promise<V>;
  expiresAt: number;
}

export class ExpiringCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries: number,
  ) {}

  /**
   * The cached value of `key`, or `load()` kept for `ttlMs` (≤ 0: not kept). `ttlOf` may choose another
   * lifetime once the value is known (a record that never changes is kept until evicted).
   */
  get(key: string, ttlMs: number, load: () => Promise<V>, ttlOf?: (value: V) => number): Promise<V> {
    const time = this.now();
    const found = this.entries.get(key);
    if (found !== undefined && found.expiresAt > time) return found.value;
    const value = load();
    if (ttlMs <= 0 && ttlOf === undefined) return value;
    const entry: Entry<V> = { value, expiresAt: time + ttlMs };
    this.store(key, entry);
    value.then(
      (resolved) => {
        if (ttlOf !== undefined) entry.expiresAt = time + ttlOf(resolved);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      // Map order is insertion order: the first key is the one stored longest ago.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
