/**
 * What the monitor produces: the drift report it writes to S3 (monitoring/<model>/reports/…) and returns
 * to the CLI. Field names follow the CLI's `--json` contract where they overlap.
 */
import type { FeatureDrift } from '../../ml/drift/types.ts';
import type { AlarmStatus } from '../ports.ts';

/** A data-quality finding (SageMaker's constraint_violations, in its vocabulary). */
export interface Violation {
  readonly feature: string;
  readonly constraintCheckType:
    | 'completeness_check'
    | 'baseline_drift_check'
    | 'categorical_values_check'
    | 'data_type_check'
    | 'out_of_range_check';
  readonly description: string;
  /** Rows of the window that violate it. */
  readonly count: number;
}

export interface DriftReport {
  readonly model: string;
  /** The version whose baseline the window was compared with (the champion when the monitor ran). */
  readonly baselineVersion: number;
  /** ISO-8601, [from, to). */
  readonly window: { readonly from: string; readonly to: string };
  /** Captured rows in the window. */
  readonly rows: number;
  /** Unreadable last lines of capture files (a writer that crashed mid-line): rows lost, not guessed. */
  readonly truncatedLines: number;
  readonly maxPsi: number;
  /** The feature with the highest PSI (undefined when the window is empty). */
  readonly maxPsiFeature?: string;
  readonly features: readonly FeatureDrift[];
  /** Drift of the predicted classes against the training labels' class shares. */
  readonly predictions: FeatureDrift | null;
  readonly violations: readonly Violation[];
  readonly generatedAt: string;
  /** s3:// URI of this report. */
  readonly reportUri: string;
}

/** The monitor's answer: the report and the state of the model's alarms right after. */
export interface MonitorResult {
  readonly report: DriftReport;
  readonly alarms: readonly AlarmStatus[];
}

/** Live accuracy from ground truth joined with captured predictions. */
export interface FeedbackResult {
  readonly model: string;
  /** The feedback file. */
  readonly source: string;
  /** Feedback rows in the file. */
  readonly rows: number;
  /** Rows whose request id (and row) matched a captured prediction. */
  readonly matched: number;
  readonly unmatched: number;
  /** Over the matched rows; null when none matched. */
  readonly accuracy: number | null;
  /** Per class (label as text): recall over matched rows of that actual class. */
  readonly recall: Readonly<Record<string, number>>;
  /** Where the matched rows were written with their labels, for retraining (s3:// URI; absent when none). */
  readonly labelledUri?: string;
}
