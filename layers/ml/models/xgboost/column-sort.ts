import { createMemory, instantiateKernels, type Kernels } from './wasm/runtime.ts';
import { DIGIT_BITS, PASSES, RADIX } from './wasm/sort-kernels.ts';

/**
 * Sorts float columns by value and reports the order as row indices: an LSD radix sort on the values'
 * 64-bit patterns (wasm/sort-kernels.ts), run in its own WebAssembly memory. Binning sorts every feature
 * once per fit; this is faster than Float64Array.prototype.sort and yields the permutation too, so bins
 * are assigned by one walk instead of a binary search per value.
 *
 * Memory layout (byte addresses): values f64 | keys two buffers of i64 | order two buffers of i32 |
 * counts PASSES × RADIX i32 | sorted f64, each of `capacity` entries.
 */
export class ColumnSorter {
  private readonly kernels: Kernels;
  private readonly capacity: number;
  private readonly values: Float64Array;
  private readonly sorted: Float64Array;
  private readonly counts: Int32Array;
  private readonly keysAt: readonly [number, number];
  private readonly orderAt: readonly [number, number];
  private readonly order: readonly [Int32Array, Int32Array];
  private readonly countsAt: number;
  private readonly sortedAt: number;
  /** The key buffers as 32-bit words, to read one key's digit without BigInt. */
  private readonly keyWords: Uint32Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    const keyBytes = 8 * capacity;
    const orderBytes = 4 * capacity;
    const countsBytes = 4 * PASSES * RADIX;
    const keysAt: [number, number] = [keyBytes, 2 * keyBytes];
    const orderAt: [number, number] = [3 * keyBytes, 3 * keyBytes + orderBytes];
    this.countsAt = 3 * keyBytes + 2 * orderBytes;
    this.sortedAt = this.countsAt + countsBytes;
    const memory = createMemory(this.sortedAt + 8 * capacity);
    this.kernels = instantiateKernels(memory);
    const buffer = memory.buffer;
    this.keysAt = keysAt;
    this.orderAt = orderAt;
    this.values = new Float64Array(buffer, 0, capacity);
    this.sorted = new Float64Array(buffer, this.sortedAt, capacity);
    this.counts = new Int32Array(buffer, this.countsAt, PASSES * RADIX);
    this.order = [new Int32Array(buffer, orderAt[0], capacity), new Int32Array(buffer, orderAt[1], capacity)];
    this.keyWords = new Uint32Array(buffer);
  }

  /**
   * Writes the column's values in ascending order to `sorted` and returns the row order (valid until
   * the next call). Values must not be NaN; at most `capacity` of them.
   */
  sort(column: Float64Array, sorted: Float64Array): Int32Array {
    const n = column.length;
    if (n > this.capacity) throw new RangeError(`ColumnSorter: ${n} values, capacity ${this.capacity}`);
    const { kernels: k, counts, keysAt, orderAt, countsAt } = this;
    this.values.set(column);
    counts.fill(0);
    k.radixKeys(0, keysAt[0], orderAt[0], countsAt, n);
    let from = 0;
    for (let p = 0; p < PASSES && n > 0; p++) {
      const base = p * RADIX;
      // A pass where every value has the same digit would leave the order as it is.
      if (counts[base + this.firstDigit(keysAt[from], p)] === n) continue;
      let total = 0;
      for (let d = 0; d < RADIX; d++) {
        const c = counts[base + d];
        counts[base + d] = total;
        total += c;
      }
      const to = 1 - from;
      k.radixPass(
        keysAt[from],
        orderAt[from],
        keysAt[to],
        orderAt[to],
        countsAt + 4 * base,
        n,
        p * DIGIT_BITS,
      );
      from = to;
    }
    k.gatherValues(this.sortedAt, 0, orderAt[from], n);
    sorted.set(this.sorted.subarray(0, n));
    return this.order[from].subarray(0, n);
  }

  /** Digit `pass` of the first key in the buffer at `keysAt`. */
  private firstDigit(keysAt: number, pass: number): number {
    const lo = this.keyWords[keysAt / 4];
    const hi = this.keyWords[keysAt / 4 + 1];
    const shift = pass * DIGIT_BITS;
    const mask = RADIX - 1;
    if (shift + DIGIT_BITS <= 32) return (lo >>> shift) & mask;
    if (shift >= 32) return (hi >>> (shift - 32)) & mask;
    return ((lo >>> shift) | (hi << (32 - shift))) & mask;
  }
}
