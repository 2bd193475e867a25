/**
 * The metric names of monitoring (namespace `Synergy`), shared by the functions that emit them, the
 * alarms on them and the retrain function that reads an alarm's metric back into a reason.
 */

/** Highest PSI over a model's features in the window {model}: what the drift alarm watches. */
export const MAX_PSI_METRIC = 'MaxPSI';
/** PSI of the predicted classes against the training labels {model}. */
export const PREDICTION_PSI_METRIC = 'PredictionPSI';
/** Per feature {model, feature}. */
export const FEATURE_PSI_METRIC = 'FeaturePSI';
/** Per numeric feature {model, feature}. */
export const FEATURE_KS_METRIC = 'FeatureKS';
export const FEATURE_LINF_ROBUST_METRIC = 'FeatureLinfRobust';
/** Violations found in the window (Count) {model}. */
export const DATA_QUALITY_VIOLATIONS_METRIC = 'DataQualityViolations';
/** Captured rows in the window (Count) {model}. */
export const MONITORED_ROWS_METRIC = 'MonitoredRows';
/** Accuracy of captured predictions against ground truth, 0..1 {model}: what the accuracy alarm watches. */
export const LIVE_ACCURACY_METRIC = 'LiveAccuracy';
