/**
 * The two alarms of a model follow the shared decisions: names from the stage prefix, the metric's exact
 * dimension set ({service, model}), the thresholds and period of the settings, missing data not breaching.
 */
import { describe, expect, it } from 'vitest';
import { accuracyAlarm, driftAlarm } from '../../../layers/core/monitoring/alarm-definitions.ts';
import {
  checkMonitorSettings,
  MonitorSettingsError,
} from '../../../layers/core/monitoring/monitor-settings.ts';
import { MONITOR_SETTINGS as SETTINGS } from '../../support/monitor-settings.ts';

const settings = { ...SETTINGS, alarmPrefix: 'synergy-prod-', driftPsiThreshold: 0.3, accuracyFloor: 0.65 };

describe('alarm definitions', () => {
  it('defines the drift alarm on MaxPSI', () => {
    const alarm = driftAlarm(settings, 'churn');
    expect(alarm).toMatchObject({
      name: 'synergy-prod-churn-drift',
      namespace: settings.namespace,
      metricName: 'MaxPSI',
      dimensions: { service: settings.service, model: 'churn' },
      statistic: 'Maximum',
      periodSeconds: settings.alarmPeriodSeconds,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0.3,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    expect(Object.keys(alarm.dimensions).sort()).toEqual(['model', 'service']);
  });

  it('defines the accuracy alarm on LiveAccuracy', () => {
    const alarm = accuracyAlarm(settings, 'churn');
    expect(alarm).toMatchObject({
      name: 'synergy-prod-churn-accuracy',
      namespace: settings.namespace,
      metricName: 'LiveAccuracy',
      dimensions: { service: settings.service, model: 'churn' },
      statistic: 'Minimum',
      periodSeconds: settings.alarmPeriodSeconds,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0.65,
      comparison: 'LessThanThreshold',
      treatMissingData: 'notBreaching',
    });
  });
});

describe('checkMonitorSettings', () => {
  it('accepts the test settings', () => {
    expect(checkMonitorSettings(SETTINGS)).toBe(SETTINGS);
  });

  it.each([
    [{ windowSeconds: 0 }, 'windowSeconds'],
    [{ windowSeconds: Number.NaN }, 'windowSeconds'],
    [{ driftPsiThreshold: -1 }, 'driftPsiThreshold'],
    [{ alarmPeriodSeconds: 45 }, 'alarmPeriodSeconds'],
    [{ accuracyFloor: 1.5 }, 'accuracyFloor'],
    [{ alarmPrefix: ' ' }, 'alarmPrefix'],
  ])('refuses %o, naming the setting', (patch, name) => {
    expect(() => checkMonitorSettings({ ...SETTINGS, ...patch })).toThrow(MonitorSettingsError);
    expect(() => checkMonitorSettings({ ...SETTINGS, ...patch })).toThrow(name);
  });
});
