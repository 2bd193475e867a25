/**
 * The baseline a model version is monitored against, and the drift measured against it. Computed at prep
 * from the training split's raw (unscaled) columns; stored as SageMaker Model Monitor–style
 * statistics.json / constraints.json next to the model (statistics-json.ts, constraints-json.ts).
 */

/** A column as the baseline and the monitor read it: raw values, before imputation and scaling. */
export type DriftColumn =
  | {
      readonly name: string;
      readonly kind: 'numeric';
      /** NaN = missing. */
      readonly values: Float64Array;
    }
  | {
      readonly name: string;
      readonly kind: 'categorical';
      /** Index into `levels`; -1 = missing. */
      readonly codes: Int32Array;
      readonly levels: readonly string[];
    };

export interface NumericBaseline {
  readonly name: string;
  readonly kind: 'numeric';
  /** Non-missing values. */
  readonly count: number;
  readonly missing: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation (ddof 0, as Deequ's, which SageMaker's baseline uses). */
  readonly std: number;
  /** Every present value is a whole number: SageMaker's inferred_type Integral (absent: Fractional). */
  readonly integral?: boolean;
  /**
   * QUANTILE_POINTS values at p = 0, 1/(QUANTILE_POINTS-1), …, 1 (type-7 interpolation): the baseline's CDF
   * for KS and L∞, exact to 1/(QUANTILE_POINTS-1) in probability. With no present value (count 0):
   * no quantiles, no edges, one bin holding everything, and min, max, mean, std all 0.
   */
  readonly quantiles: readonly number[];
  /** PSI bins: the inner edges (deciles, duplicates removed); bin i is (edges[i-1], edges[i]]. */
  readonly binEdges: readonly number[];
  /** Share of the baseline in each bin (binEdges.length + 1 entries, summing to 1). */
  readonly binFractions: readonly number[];
}

export interface CategoricalBaseline {
  readonly name: string;
  readonly kind: 'categorical';
  readonly count: number;
  readonly missing: number;
  /** Share of the non-missing baseline per level (summing to 1). */
  readonly levels: Readonly<Record<string, number>>;
}

export type FeatureBaseline = NumericBaseline | CategoricalBaseline;

export interface Baseline {
  /** Training rows the baseline was computed on. */
  readonly rows: number;
  readonly features: readonly FeatureBaseline[];
  /** The training labels' class shares (keys = labels as text): the reference for prediction drift. */
  readonly target: CategoricalBaseline;
}

/** Drift of one feature (or of the predictions) against its baseline. */
export interface FeatureDrift {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** Non-missing values in the window. */
  readonly count: number;
  readonly missing: number;
  /** Population stability index over the baseline bins (levels for categoricals), ε-smoothed. */
  readonly psi: number;
  /** Two-sample Kolmogorov–Smirnov statistic (numeric only; null for categoricals). */
  readonly ks: number | null;
  /** L∞ distance between the CDFs (numeric) or the level distributions (categorical): SageMaker's linf_simple. */
  readonly linf: number;
  /** SageMaker's linf_robust: max(0, linf − 1.8·√((n+m)/(n·m))). */
  readonly linfRobust: number;
  /** Jensen–Shannon divergence (log base 2, so in [0, 1]) over the same bins as PSI. */
  readonly js: number;
  /** Pearson's χ² statistic against the baseline shares (categorical only; null for numerics). */
  readonly chi2: number | null;
  /** Numeric values outside the baseline's [min, max]. */
  readonly outOfRange: number;
  /** Categorical levels never seen in the baseline, with their counts. */
  readonly unseenLevels: Readonly<Record<string, number>>;
}
