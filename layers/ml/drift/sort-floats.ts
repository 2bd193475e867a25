/**
 * The present (non-NaN) values of a column, sorted ascending. A baseline needs exact quantiles of up to
 * millions of training values per feature; an LSD radix sort on the IEEE-754 bits is about twice as fast
 * as Float64Array.prototype.sort there (measured: ~95 ms against ~170 ms per 1M values).
 */

/** Below this a radix sort's fixed cost (six histograms of 2048 counts) outweighs its gain. */
const RADIX_MIN_LENGTH = 2048;
const DIGIT_BITS = 11;
const DIGIT_VALUES = 1 << DIGIT_BITS;
const DIGIT_MASK = DIGIT_VALUES - 1;
/** 64 key bits in six digits: three per 32-bit word (11 + 11 + 10). */
const PASSES = 6;

export interface SortedPresent {
  readonly sorted: Float64Array;
  /** NaN entries left out. */
  readonly missing: number;
}

export function sortPresent(values: Float64Array): SortedPresent {
  const present = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isNaN(x)) present[n++] = x;
  }
  const sorted = present.subarray(0, n);
  if (n < RADIX_MIN_LENGTH) sorted.sort();
  else radixSort(sorted);
  return { sorted, missing: values.length - n };
}

/**
 * Sorts NaN-free `values` in place, in Float64Array.prototype.sort's order (-0 before +0). The bits are
 * turned into unsigned keys that order as the numbers do (negatives: all bits flipped; positives: the sign
 * bit set), sorted as 32-bit word pairs (never as float64s, which may canonicalise NaN-looking bit
 * patterns), and turned back.
 */
export function radixSort(values: Float64Array): void {
  const n = values.length;
  let src: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let dst: Uint32Array = new Uint32Array(2 * n);
  const counts = new Uint32Array(PASSES * DIGIT_VALUES);
  // Little-endian (every platform Node runs on): word 2i is the low half of value i, 2i+1 the high half.
  for (let i = 0; i < n; i++) {
    const lo = src[2 * i];
    const hi = src[2 * i + 1];
    const negative = hi >>> 31 === 1;
    const keyLo = negative ? ~lo >>> 0 : lo;
    const keyHi = negative ? ~hi >>> 0 : (hi | 0x80000000) >>> 0;
    src[2 * i] = keyLo;
    src[2 * i + 1] = keyHi;
    counts[keyLo & DIGIT_MASK]++;
    counts[DIGIT_VALUES + ((keyLo >>> DIGIT_BITS) & DIGIT_MASK)]++;
    counts[2 * DIGIT_VALUES + (keyLo >>> (2 * DIGIT_BITS))]++;
    counts[3 * DIGIT_VALUES + (keyHi & DIGIT_MASK)]++;
    counts[4 * DIGIT_VALUES + ((keyHi >>> DIGIT_BITS) & DIGIT_MASK)]++;
    counts[5 * DIGIT_VALUES + (keyHi >>> (2 * DIGIT_BITS))]++;
  }
  for (let pass = 0; pass < PASSES; pass++) {
    const offset = pass * DIGIT_VALUES;
    // A digit every key shares (the low bits of whole numbers, the exponent of a narrow range) orders nothing.
    if (sharedDigit(counts, offset, n)) continue;
    let total = 0;
    for (let d = 0; d < DIGIT_VALUES; d++) {
      const c = counts[offset + d];
      counts[offset + d] = total;
      total += c;
    }
    const word = pass < 3 ? 0 : 1;
    const shift = (pass % 3) * DIGIT_BITS;
    for (let i = 0; i < n; i++) {
      const digit = (src[2 * i + word] >>> shift) & DIGIT_MASK;
      const at = counts[offset + digit]++;
      dst[2 * at] = src[2 * i];
      dst[2 * at + 1] = src[2 * i + 1];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  const out = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const keyLo = src[2 * i];
    const keyHi = src[2 * i + 1];
    const wasNegative = keyHi >>> 31 === 0;
    out[2 * i] = wasNegative ? ~keyLo >>> 0 : keyLo;
    out[2 * i + 1] = wasNegative ? ~keyHi >>> 0 : (keyHi & 0x7fffffff) >>> 0;
  }
}

function sharedDigit(counts: Uint32Array, offset: number, n: number): boolean {
  for (let d = 0; d < DIGIT_VALUES; d++) {
    const c = counts[offset + d];
    if (c !== 0) return c === n;
  }
  return true;
}
