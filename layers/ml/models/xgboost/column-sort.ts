/**
 * Sorts one float column by value and reports the order as row indices: an LSD radix sort on the
 * values' 64-bit patterns (mapped so that unsigned order is numeric order), 11 bits per pass. Binning
 * sorts every feature once per fit; this is faster than Float64Array.prototype.sort and yields the
 * permutation too, so bins are assigned by one walk instead of a binary search per value.
 */
const DIGIT_BITS = 11;
const RADIX = 1 << DIGIT_BITS;
const MASK = RADIX - 1;
const PASSES = 6; // 6 × 11 ≥ 64

export class ColumnSorter {
  private readonly keyHi: Uint32Array[];
  private readonly keyLo: Uint32Array[];
  private readonly order: Int32Array[];
  private readonly counts = new Int32Array(PASSES * RADIX);
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);

  constructor(capacity: number) {
    this.keyHi = [new Uint32Array(capacity), new Uint32Array(capacity)];
    this.keyLo = [new Uint32Array(capacity), new Uint32Array(capacity)];
    this.order = [new Int32Array(capacity), new Int32Array(capacity)];
  }

  /**
   * Writes the column's values in ascending order to `sorted` and returns the row order (valid until
   * the next call). Values must not be NaN.
   */
  sort(column: Float64Array, sorted: Float64Array): Int32Array {
    const n = column.length;
    const { counts, bits, words } = this;
    counts.fill(0);
    let from = 0;
    const hi0 = this.keyHi[0];
    const lo0 = this.keyLo[0];
    const order0 = this.order[0];
    for (let i = 0; i < n; i++) {
      bits[0] = column[i];
      let h = words[1];
      let l = words[0];
      // Negative numbers: flip every bit (larger magnitude sorts lower); others: set the sign bit.
      if (h >>> 31) {
        h = ~h >>> 0;
        l = ~l >>> 0;
      } else {
        h = (h | 0x80000000) >>> 0;
      }
      hi0[i] = h;
      lo0[i] = l;
      order0[i] = i;
      for (let p = 0; p < PASSES; p++) counts[p * RADIX + digit(h, l, p)]++;
    }
    for (let p = 0; p < PASSES; p++) {
      const base = p * RADIX;
      // A pass where every value has the same digit would leave the order as it is.
      if (counts[base + digit(this.keyHi[from][0], this.keyLo[from][0], p)] === n) continue;
      let total = 0;
      for (let d = 0; d < RADIX; d++) {
        const c = counts[base + d];
        counts[base + d] = total;
        total += c;
      }
      const hi = this.keyHi[from];
      const lo = this.keyLo[from];
      const order = this.order[from];
      const hiOut = this.keyHi[1 - from];
      const loOut = this.keyLo[1 - from];
      const orderOut = this.order[1 - from];
      for (let i = 0; i < n; i++) {
        const h = hi[i];
        const l = lo[i];
        const to = counts[base + digit(h, l, p)]++;
        hiOut[to] = h;
        loOut[to] = l;
        orderOut[to] = order[i];
      }
      from = 1 - from;
    }
    const order = this.order[from];
    for (let i = 0; i < n; i++) sorted[i] = column[order[i]];
    return order;
  }
}

/** Digit `pass` (11 bits, least significant first) of the 64-bit key hi:lo. */
function digit(hi: number, lo: number, pass: number): number {
  const shift = pass * DIGIT_BITS;
  if (shift + DIGIT_BITS <= 32) return (lo >>> shift) & MASK;
  if (shift >= 32) return (hi >>> (shift - 32)) & MASK;
  return ((lo >>> shift) | (hi << (32 - shift))) & MASK;
}
