import type { MonitorSettings } from '../../layers/core/monitoring/monitor-settings.ts';

/** The monitor settings the monitoring tests run with: a one-hour window and period, the thresholds. */
export const MONITOR_SETTINGS: MonitorSettings = {
  windowSeconds: 3600,
  alarmPrefix: 'synergy-test-',
  driftPsiThreshold: 0.25,
  accuracyFloor: 0.7,
  alarmPeriodSeconds: 3600,
  namespace: 'Synergy',
  service: 'synergy',
};
