/**
 * A baseline's constraints as SageMaker Model Monitor's constraints.json: per input feature its type,
 * completeness and either is_non_negative or the domain of observed levels, and SageMaker's default
 * monitoring_config with the Robust (linf_robust) comparison.
 */
import type { Baseline, CategoricalBaseline, NumericBaseline } from './types.ts';

/** SageMaker's documented defaults. */
const DEFAULT_THRESHOLD = 0.1;

export interface NumericConstraintJson {
  readonly name: string;
  readonly inferred_type: 'Integral' | 'Fractional';
  readonly completeness: number;
  readonly num_constraints: { readonly is_non_negative: boolean };
}

export interface StringConstraintJson {
  readonly name: string;
  readonly inferred_type: 'String';
  readonly completeness: number;
  readonly string_constraints: { readonly domains: readonly string[] };
}

export interface ConstraintsJson {
  readonly version: 0;
  readonly features: readonly (NumericConstraintJson | StringConstraintJson)[];
  readonly monitoring_config: {
    readonly evaluate_constraints: 'Enabled';
    readonly emit_metrics: 'Enabled';
    readonly datatype_check_threshold: number;
    readonly domain_content_threshold: number;
    readonly distribution_constraints: {
      readonly perform_comparison: 'Enabled';
      readonly comparison_threshold: number;
      readonly comparison_method: 'Robust';
      readonly categorical_comparison_threshold: number;
      readonly categorical_drift_method: 'LInfinity';
    };
  };
}

export function toConstraintsJson(baseline: Baseline): ConstraintsJson {
  return {
    version: 0,
    features: baseline.features.map((feature) =>
      feature.kind === 'numeric' ? numericConstraint(feature) : stringConstraint(feature),
    ),
    monitoring_config: {
      evaluate_constraints: 'Enabled',
      emit_metrics: 'Enabled',
      datatype_check_threshold: DEFAULT_THRESHOLD,
      domain_content_threshold: DEFAULT_THRESHOLD,
      distribution_constraints: {
        perform_comparison: 'Enabled',
        comparison_threshold: DEFAULT_THRESHOLD,
        comparison_method: 'Robust',
        categorical_comparison_threshold: DEFAULT_THRESHOLD,
        categorical_drift_method: 'LInfinity',
      },
    },
  };
}

/** Share of the baseline rows where the feature is present (1 for a baseline without rows). */
function completeness(feature: { readonly count: number; readonly missing: number }): number {
  const rows = feature.count + feature.missing;
  return rows === 0 ? 1 : feature.count / rows;
}

function numericConstraint(feature: NumericBaseline): NumericConstraintJson {
  return {
    name: feature.name,
    inferred_type: feature.integral === true ? 'Integral' : 'Fractional',
    completeness: completeness(feature),
    num_constraints: { is_non_negative: feature.min >= 0 },
  };
}

function stringConstraint(feature: CategoricalBaseline): StringConstraintJson {
  return {
    name: feature.name,
    inferred_type: 'String',
    completeness: completeness(feature),
    string_constraints: { domains: Object.keys(feature.levels) },
  };
}
