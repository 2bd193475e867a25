import type { BinnedFeatures } from './quantile-bins.ts';
import type { Workspace } from './workspace.ts';

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
 *
 * The scan of each feature's bins runs as a WebAssembly kernel (wasm/split-kernel.ts: prefix sums
 * G_L, H_L over the bins; empty bins skipped, as the split after one equals the split before it; gains
 * compared in float32, as xgboost stores loss changes, so that equal partitions reached through different
 * features, which differ only by rounding in the sums, tie and the lower feature wins).
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

/** Finds the best split of the node whose histogram is `hist` (a view on `workspace`). */
export function findBestSplit(
  hist: Float64Array,
  gradSum: number,
  hessSum: number,
  binned: BinnedFeatures,
  features: Int32Array,
  nActive: number,
  rule: SplitRule,
  best: SplitCandidate,
  workspace: Workspace,
): void {
  const { lambda, minChildWeight } = rule;
  const { binOffset, binCount } = binned;
  const { kernels, resultAt, result } = workspace;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  best.found = false;
  best.gain = 0;
  let bestRounded = 0;
  for (let a = 0; a < nActive; a++) {
    const j = features[a];
    const bin = kernels.scanFeature(
      hist.byteOffset + 16 * binOffset[j],
      binCount[j] - 1,
      gradSum,
      hessSum,
      lambda,
      minChildWeight,
      parentScore,
      bestRounded,
      resultAt,
    );
    if (bin >= 0) {
      best.found = true;
      best.feature = j;
      best.bin = bin;
      best.gain = result[0];
      best.gradLeft = result[1];
      best.hessLeft = result[2];
      bestRounded = result[3];
    }
  }
  if (best.found && (best.gain <= MIN_GAIN || best.gain < rule.gamma)) best.found = false;
}
