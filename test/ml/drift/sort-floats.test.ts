import { describe, expect, it } from 'vitest';
import { radixSort, sortPresent } from '../../../layers/ml/drift/sort-floats.ts';
import { Random } from '../../../layers/ml/random.ts';

function nativeSorted(values: Float64Array): Float64Array {
  return values.filter((x) => !Number.isNaN(x)).sort();
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('sortPresent', () => {
  it('sorts as Float64Array.prototype.sort does, above and below the radix threshold, leaving NaN out', () => {
    const random = new Random(5);
    for (const n of [0, 1, 7, 2047, 2048, 50_000]) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = random.next();
        values[i] =
          u < 0.05
            ? Number.NaN
            : u < 0.1
              ? -0
              : u < 0.2
                ? Math.floor(random.normal() * 3)
                : u < 0.25
                  ? random.normal() * 1e300
                  : u < 0.3
                    ? random.normal() * 1e-310
                    : random.normal() * 100;
      }
      const before = values.slice();
      const { sorted, missing } = sortPresent(values);
      const expected = nativeSorted(values);
      expect(missing).toBe(n - expected.length);
      // Object.is distinguishes -0 from +0, as the native order does.
      expect(sameValues(sorted, expected)).toBe(true);
      expect(sameValues(values, before)).toBe(true);
    }
  });

  it('radix-sorts extreme and repeated values in place', () => {
    const values = new Float64Array(4096);
    const specials = [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 0, -0, 1, -1];
    for (let i = 0; i < values.length; i++) values[i] = specials[(i * 7) % specials.length] * ((i % 3) + 1);
    const expected = values.slice().sort();
    radixSort(values);
    expect(sameValues(values, expected)).toBe(true);
  });
});
