import { Random } from '../random.ts';
import type { LabelledMatrix } from './matrix.ts';

export interface SyntheticOptions {
  readonly nRows: number;
  readonly nFeatures: number;
  /** Features that carry signal; the rest are pure noise. Default: half of nFeatures. */
  readonly nInformative?: number;
  readonly nClasses?: number;
  /** Gaussian clusters per class (more ⇒ less linearly separable). Default 2. */
  readonly clustersPerClass?: number;
  /** Fraction of labels flipped at random, so no model reaches 100%. Default 0.03. */
  readonly labelNoise?: number;
  readonly seed?: number;
}

/**
 * A generated classification problem in the spirit of scikit-learn's make_classification: each class is
 * a few Gaussian clusters around random centres in the informative subspace, plus noise features and
 * label noise. Used by benchmarks and scale tests; deterministic in `seed`.
 */
export function makeClassification(opts: SyntheticOptions): LabelledMatrix {
  const n = opts.nRows;
  const d = opts.nFeatures;
  const informative = Math.min(d, opts.nInformative ?? Math.max(1, Math.floor(d / 2)));
  const k = opts.nClasses ?? 2;
  const clusters = opts.clustersPerClass ?? 2;
  const noise = opts.labelNoise ?? 0.03;
  const rng = new Random(opts.seed ?? 42);
  const centres = new Float64Array(k * clusters * informative);
  for (let i = 0; i < centres.length; i++) centres[i] = (rng.next() * 2 - 1) * 2;
  const values = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const cluster = c * clusters + rng.int(clusters);
    for (let j = 0; j < informative; j++) {
      values[j * n + i] = centres[cluster * informative + j] + rng.normal();
    }
    for (let j = informative; j < d; j++) values[j * n + i] = rng.normal();
    y[i] = rng.next() < noise ? rng.int(k) : c;
  }
  // Shuffle rows so classes are not interleaved in a fixed pattern.
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const shuffled = new Float64Array(n * d);
  const ys = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const src = order[r];
    ys[r] = y[src];
    for (let j = 0; j < d; j++) shuffled[j * n + r] = values[j * n + src];
  }
  return { nRows: n, nFeatures: d, values: shuffled, y: ys, nClasses: k };
}
