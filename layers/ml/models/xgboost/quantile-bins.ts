import type { FeatureMatrix } from '../../data/matrix.ts';
import { ColumnSorter } from './column-sort.ts';
import { chooseCuts, summaryScratch } from './quantile-summary.ts';

/**
 * The training features as small bin indices, as xgboost's `hist` method sees them.
 *
 * Bin b of feature j holds the values in [cut[b-1], cut[b]) (bin 0 is open below, the last bin open
 * above), so a split "bins ≤ s go left" is the real-valued test `value < cut[s]`: the stored threshold
 * is the bin's exclusive upper edge and prediction needs no binning (xgboost's convention). How the
 * cuts are chosen: quantile-summary.ts.
 */
export interface BinnedFeatures {
  readonly nRows: number;
  readonly nFeatures: number;
  /** Column-major bin indices: `bins[j * nRows + i]`. */
  readonly bins: Uint8Array;
  /** Number of bins of feature j (≥ 1; a constant feature has one bin and cannot be split). */
  readonly binCount: Int32Array;
  /** First slot of feature j in a histogram laid out feature after feature; `binOffset[nFeatures]` is the total. */
  readonly binOffset: Int32Array;
  /** `cuts[binOffset[j] + b]` is the exclusive upper edge of bin b of feature j (b < binCount[j] - 1). */
  readonly cuts: Float64Array;
}

export function binFeatures(x: FeatureMatrix, maxBin: number): BinnedFeatures {
  const { nRows: n, nFeatures: d, values } = x;
  const bins = new Uint8Array(n * d);
  const binCount = new Int32Array(d);
  const binOffset = new Int32Array(d + 1);
  const cuts = new Float64Array(d * maxBin);
  const sorted = new Float64Array(n);
  const scratch = summaryScratch(n);
  const sorter = new ColumnSorter(n);
  for (let j = 0; j < d; j++) {
    const column = values.subarray(j * n, (j + 1) * n);
    const order = sorter.sort(column, sorted);
    const featureCuts = chooseCuts(sorted, maxBin, scratch);
    const offset = binOffset[j];
    cuts.set(featureCuts, offset);
    binCount[j] = featureCuts.length + 1;
    binOffset[j + 1] = offset + featureCuts.length + 1;
    // Bin = number of cuts ≤ value: one walk through the column in sorted order.
    const out = j * n;
    let bin = 0;
    for (let k = 0; k < n; k++) {
      const v = sorted[k];
      while (bin < featureCuts.length && featureCuts[bin] <= v) bin++;
      bins[out + order[k]] = bin;
    }
  }
  return { nRows: n, nFeatures: d, bins, binCount, binOffset, cuts };
}
