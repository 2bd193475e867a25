import type { Random } from '../../random.ts';

/**
 * Marks exactly `nInBag` of `n` rows, drawn without replacement (selection sampling, as scikit-learn's
 * `_random_sample_mask`, but with our seeded stream): row i is taken with probability
 * (still needed) / (rows left).
 */
export function sampleWithoutReplacement(n: number, nInBag: number, rng: Random, mask: Uint8Array): void {
  let taken = 0;
  for (let i = 0; i < n; i++) {
    const take = taken < nInBag && rng.next() * (n - i) < nInBag - taken;
    mask[i] = take ? 1 : 0;
    if (take) taken++;
  }
}
