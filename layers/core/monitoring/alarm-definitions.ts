/**
 * The two alarms of a model. Each is put (idempotently) by the function that emits its metric, since a
 * model exists only once trained; the monitor puts both so `synergy monitor` can list their states.
 * Missing data does not breach: a quiet endpoint (no captured rows, no feedback) is not drift.
 */
import type { AlarmDefinition } from '../ports.ts';
import { LIVE_ACCURACY_METRIC, MAX_PSI_METRIC } from './metric-names.ts';
import type { MonitorSettings } from './monitor-settings.ts';

export const DRIFT_ALARM_SUFFIX = '-drift';
export const ACCURACY_ALARM_SUFFIX = '-accuracy';

/** The metric's dimension set exactly: Powertools adds `service` to every EMF metric. */
function modelDimensions(settings: MonitorSettings, modelName: string): Record<string, string> {
  return { service: settings.service, model: modelName };
}

export function driftAlarmName(settings: Pick<MonitorSettings, 'alarmPrefix'>, modelName: string): string {
  return `${settings.alarmPrefix}${modelName}${DRIFT_ALARM_SUFFIX}`;
}

export function accuracyAlarmName(settings: Pick<MonitorSettings, 'alarmPrefix'>, modelName: string): string {
  return `${settings.alarmPrefix}${modelName}${ACCURACY_ALARM_SUFFIX}`;
}

/** `<prefix><model>-drift`: MaxPSI (Maximum over the period) above the drift threshold. */
export function driftAlarm(settings: MonitorSettings, modelName: string): AlarmDefinition {
  return {
    name: driftAlarmName(settings, modelName),
    description: `Synergy: input drift of ${modelName} (max PSI over its features > ${settings.driftPsiThreshold}) starts a retraining`,
    namespace: settings.namespace,
    metricName: MAX_PSI_METRIC,
    dimensions: modelDimensions(settings, modelName),
    statistic: 'Maximum',
    periodSeconds: settings.alarmPeriodSeconds,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: settings.driftPsiThreshold,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  };
}

/** `<prefix><model>-accuracy`: LiveAccuracy (Minimum over the period) below the accuracy floor. */
export function accuracyAlarm(settings: MonitorSettings, modelName: string): AlarmDefinition {
  return {
    name: accuracyAlarmName(settings, modelName),
    description: `Synergy: live accuracy of ${modelName} below ${settings.accuracyFloor} starts a retraining`,
    namespace: settings.namespace,
    metricName: LIVE_ACCURACY_METRIC,
    dimensions: modelDimensions(settings, modelName),
    statistic: 'Minimum',
    periodSeconds: settings.alarmPeriodSeconds,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: settings.accuracyFloor,
    comparison: 'LessThanThreshold',
    treatMissingData: 'notBreaching',
  };
}
