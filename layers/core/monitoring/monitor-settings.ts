/**
 * The monitor's settings: the stage parameters of serverless.yml (window, alarm prefix, thresholds, alarm
 * period) plus the metric namespace and service the EMF metrics carry. The wiring reads them from the
 * environment once at init and checks them here, so a typo fails the cold start, not a run.
 */
import { SynergyError } from '../errors.ts';

export interface MonitorSettings {
  /** The capture window each run compares with the baseline: [now − windowSeconds, now). */
  windowSeconds: number;
  /** `synergy-<stage>-`: alarm names are `<alarmPrefix><model>-drift` and `…-accuracy`. */
  alarmPrefix: string;
  /** The drift alarm fires when MaxPSI exceeds this (0.25 by default). */
  driftPsiThreshold: number;
  /** The accuracy alarm fires when LiveAccuracy falls below this (0.7 by default). */
  accuracyFloor: number;
  alarmPeriodSeconds: number;
  /** POWERTOOLS_METRICS_NAMESPACE (`Synergy`). */
  namespace: string;
  /** POWERTOOLS_SERVICE_NAME: the `service` dimension Powertools adds to every metric. */
  service: string;
}

/** A monitor setting is out of range; the message names it. */
export class MonitorSettingsError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.name = 'MonitorSettingsError';
  }
}

function requirePositive(name: keyof MonitorSettings, value: number, integer: boolean): void {
  if (!(Number.isFinite(value) && value > 0) || (integer && !Number.isInteger(value))) {
    const what = integer ? 'a positive integer' : 'a positive number';
    throw new MonitorSettingsError(`monitor settings: ${name} must be ${what}, got ${value}`, {
      setting: name,
      value,
    });
  }
}

/** The settings unchanged, or MonitorSettingsError naming the first bad one. */
export function checkMonitorSettings(settings: MonitorSettings): MonitorSettings {
  requirePositive('windowSeconds', settings.windowSeconds, true);
  requirePositive('driftPsiThreshold', settings.driftPsiThreshold, false);
  requirePositive('alarmPeriodSeconds', settings.alarmPeriodSeconds, true);
  // CloudWatch accepts periods of 10, 30 or any multiple of 60 seconds.
  const period = settings.alarmPeriodSeconds;
  if (period !== 10 && period !== 30 && period % 60 !== 0) {
    throw new MonitorSettingsError(
      `monitor settings: alarmPeriodSeconds must be 10, 30 or a multiple of 60, got ${period}`,
      { setting: 'alarmPeriodSeconds', value: period },
    );
  }
  if (!(settings.accuracyFloor >= 0 && settings.accuracyFloor <= 1)) {
    throw new MonitorSettingsError(
      `monitor settings: accuracyFloor must be in [0, 1], got ${settings.accuracyFloor}`,
      { setting: 'accuracyFloor', value: settings.accuracyFloor },
    );
  }
  for (const name of ['alarmPrefix', 'namespace', 'service'] as const) {
    if (settings[name].trim() === '') {
      throw new MonitorSettingsError(`monitor settings: ${name} must not be empty`, { setting: name });
    }
  }
  return settings;
}
