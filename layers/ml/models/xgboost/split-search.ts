import type { BinnedFeatures } from './quantile-bins.ts';

/**
 * xgboost's split rule. With G, H the node's gradient and hessian sums and λ = reg_lambda, a split into
 * L and R has loss change
 *
 *   gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
 *
 * which is twice the paper's ½[…] − γ without the γ: xgboost 1.7 keeps a split when gain > 1e-6 and
 * gain ≥ gamma (so its gamma is compared with the un-halved change), and so do we. Each child needs a
 * hessian sum ≥ min_child_weight. Ties go to the lower feature, then the lower bin, as xgboost's
 * forward scan.
 */
export interface SplitRule {
  readonly lambda: number;
  readonly gamma: number;
  readonly minChildWeight: number;
}

/** xgboost's kRtEps: smaller loss changes are rounding noise. */
const MIN_GAIN = 1e-6;

/** The best split of a node, written in place (one instance reused for every node). */
export class SplitCandidate {
  found = false;
  feature = -1;
  bin = -1;
  gain = 0;
  gradLeft = 0;
  hessLeft = 0;
}

export function findBestSplit(
  hist: Float64Array,
  gradSum: number,
  hessSum: number,
  binned: BinnedFeatures,
  features: Int32Array,
  nActive: number,
  rule: SplitRule,
  best: SplitCandidate,
): void {
  const { lambda, minChildWeight } = rule;
  const { binOffset, binCount } = binned;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  best.found = false;
  best.gain = 0;
  let bestRounded = 0;
  for (let a = 0; a < nActive; a++) {
    const j = features[a];
    const base = 2 * binOffset[j];
    const lastSplit = binCount[j] - 1;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < lastSplit; b++) {
      const binGrad = hist[base + 2 * b];
      const binHess = hist[base + 2 * b + 1];
      // An empty bin moves no row, so the split after it equals the one before (the first one wins).
      if (binHess === 0 && binGrad === 0) continue;
      gl += binGrad;
      hl += binHess;
      if (hl < minChildWeight || hl <= 0) continue;
      const hr = hessSum - hl;
      // Hessians are positive, so H_R only shrinks from here on.
      if (hr < minChildWeight || hr <= 0) break;
      const gr = gradSum - gl;
      const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
      // Compared in float32 as xgboost stores loss changes: equal partitions reached through different
      // features differ only by rounding in the sums, and must tie so the lower feature wins.
      const rounded = Math.fround(gain);
      if (rounded > bestRounded) {
        bestRounded = rounded;
        best.gain = gain;
        best.feature = j;
        best.bin = b;
        best.gradLeft = gl;
        best.hessLeft = hl;
        best.found = true;
      }
    }
  }
  if (best.found && (best.gain <= MIN_GAIN || best.gain < rule.gamma)) best.found = false;
}
