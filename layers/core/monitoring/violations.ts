/**
 * Data-quality findings of a window against the baseline, in SageMaker Model Monitor's
 * constraint_violations vocabulary. The margins are chosen so that a window drawn from the training
 * distribution itself finds nothing:
 * - completeness_check: the window's share of absent values exceeds the baseline's by more than
 *   COMPLETENESS_MARGIN (5 points);
 * - data_type_check: any value that cannot be read as the feature's kind (serving validates inputs, so
 *   one that got through is worth reporting);
 * - categorical_values_check: any level the baseline never saw;
 * - out_of_range_check: the share of numeric values outside the baseline's [min, max] exceeds
 *   2/(n+1) + OUT_OF_RANGE_MARGIN — 2/(n+1) being what an unshifted window is expected to show outside the
 *   extremes of an n-value sample;
 * - baseline_drift_check: linf_robust above BASELINE_DRIFT_THRESHOLD (0.1, SageMaker's default
 *   comparison_threshold with its "Robust" comparison method).
 */
import type { Baseline, FeatureDrift } from '../../ml/drift/types.ts';
import type { Violation } from './types.ts';
import type { FeatureQuality } from './window-columns.ts';

export const COMPLETENESS_MARGIN = 0.05;
export const OUT_OF_RANGE_MARGIN = 0.01;
export const BASELINE_DRIFT_THRESHOLD = 0.1;
/** Unseen levels named in a description (the most frequent first). */
const LEVELS_DESCRIBED = 5;

const percent = (share: number): string => `${(100 * share).toFixed(1)}%`;

export interface ViolationInput {
  readonly baseline: Baseline;
  /** Captured rows in the window. */
  readonly rows: number;
  readonly quality: readonly FeatureQuality[];
  /** Drift of the features that had values to measure (any order). */
  readonly drifts: readonly FeatureDrift[];
}

function unseenDescription(unseen: Readonly<Record<string, number>>): string {
  const levels = Object.entries(unseen).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const named = levels
    .slice(0, LEVELS_DESCRIBED)
    .map(([level, count]) => `${JSON.stringify(level)} (${count})`)
    .join(', ');
  const more = levels.length > LEVELS_DESCRIBED ? ` and ${levels.length - LEVELS_DESCRIBED} more` : '';
  return `${levels.length} level(s) never seen in training: ${named}${more}`;
}

/** The violations of each feature, in the baseline's feature order. */
export function findViolations(input: ViolationInput): Violation[] {
  const { baseline, rows } = input;
  if (rows === 0) return [];
  const quality = new Map(input.quality.map((q) => [q.name, q]));
  const drifts = new Map(input.drifts.map((d) => [d.name, d]));
  const violations: Violation[] = [];
  for (const feature of baseline.features) {
    const name = feature.name;
    const q = quality.get(name);
    if (q !== undefined) {
      const baselineShare = feature.missing / Math.max(1, feature.count + feature.missing);
      const windowShare = q.absent / rows;
      if (windowShare > baselineShare + COMPLETENESS_MARGIN) {
        violations.push({
          feature: name,
          constraintCheckType: 'completeness_check',
          description: `${percent(windowShare)} of values missing, ${percent(baselineShare)} in the baseline (margin ${percent(COMPLETENESS_MARGIN)})`,
          count: q.absent,
        });
      }
      if (q.wrongType > 0) {
        const expected = feature.kind === 'numeric' ? 'a number' : 'text';
        violations.push({
          feature: name,
          constraintCheckType: 'data_type_check',
          description: `${q.wrongType} value(s) not readable as ${expected} (inferred type ${feature.kind === 'numeric' ? 'Fractional' : 'String'})`,
          count: q.wrongType,
        });
      }
    }
    const drift = drifts.get(name);
    if (drift === undefined) continue;
    const unseen = Object.values(drift.unseenLevels).reduce((sum, count) => sum + count, 0);
    if (unseen > 0) {
      violations.push({
        feature: name,
        constraintCheckType: 'categorical_values_check',
        description: unseenDescription(drift.unseenLevels),
        count: unseen,
      });
    }
    if (feature.kind === 'numeric' && drift.count > 0) {
      const share = drift.outOfRange / drift.count;
      const allowed = 2 / (feature.count + 1) + OUT_OF_RANGE_MARGIN;
      if (share > allowed) {
        violations.push({
          feature: name,
          constraintCheckType: 'out_of_range_check',
          description: `${percent(share)} of values outside the baseline range [${feature.min}, ${feature.max}] (allowed ${percent(allowed)})`,
          count: drift.outOfRange,
        });
      }
    }
    if (drift.linfRobust > BASELINE_DRIFT_THRESHOLD) {
      violations.push({
        feature: name,
        constraintCheckType: 'baseline_drift_check',
        description: `linf_robust distance ${drift.linfRobust.toFixed(4)} from the baseline exceeds ${BASELINE_DRIFT_THRESHOLD}`,
        count: drift.count,
      });
    }
  }
  return violations;
}
