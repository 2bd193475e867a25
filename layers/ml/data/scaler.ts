/**
 * StandardScaler as scikit-learn computes it: per feature mean and population standard deviation of
 * the training matrix; a (near-)constant feature gets scale 1 so it maps to 0 instead of blowing up.
 */
import type { FeatureMatrix } from './matrix.ts';

export interface ScalerStats {
  readonly means: Float64Array;
  readonly scales: Float64Array;
}

export function fitScaler(m: FeatureMatrix): ScalerStats {
  const { nRows: n, nFeatures: d, values } = m;
  const means = new Float64Array(d);
  const scales = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const off = j * n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[off + i];
    const mean = n === 0 ? 0 : sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const dx = values[off + i] - mean;
      ss += dx * dx;
    }
    const variance = n === 0 ? 0 : ss / n;
    means[j] = mean;
    scales[j] = isConstantFeature(variance, mean, n) ? 1 : Math.sqrt(variance);
  }
  return { means, scales };
}

/**
 * scikit-learn's _is_constant_feature: a variance this small is rounding noise of a constant column
 * (e.g. 0.1 repeated), not spread.
 */
function isConstantFeature(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

/** In place: x ← (x − mean) / scale, the same expression the preprocessor uses when serving. */
export function applyScaler(m: FeatureMatrix, stats: ScalerStats): void {
  const { nRows: n, nFeatures: d, values } = m;
  for (let j = 0; j < d; j++) {
    const off = j * n;
    const mean = stats.means[j];
    const scale = stats.scales[j];
    for (let i = 0; i < n; i++) values[off + i] = (values[off + i] - mean) / scale;
  }
}
