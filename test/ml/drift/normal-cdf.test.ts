import { describe, expect, it } from 'vitest';
import { erf, normalCdf } from './normal-cdf.ts';

describe('the tests’ normal CDF', () => {
  it('matches tabulated values of erf and Φ', () => {
    // Abramowitz & Stegun table 7.1 and the usual z-table.
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 9);
    expect(erf(1)).toBeCloseTo(0.8427007929, 9);
    expect(erf(2)).toBeCloseTo(0.995322265, 9);
    expect(erf(3.5)).toBeCloseTo(0.9999992569, 9);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 8);
    expect(normalCdf(-1)).toBeCloseTo(0.1586552539, 9);
  });
});
