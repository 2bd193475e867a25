/**
 * A model's alarms — drift (max PSI) and live accuracy — put and described. Putting is idempotent:
 * CloudWatch replaces an existing alarm's definition and keeps its state. The monitor puts them on every
 * run, and on each new version's ModelVersionCreated, so a model has its alarms from its first version
 * on (INSUFFICIENT_DATA until CloudWatch first evaluates them) rather than from its first monitor run.
 */
import type { AlarmStatus, Alarms } from '../ports.ts';
import { accuracyAlarm, driftAlarm } from './alarm-definitions.ts';
import type { MonitorSettings } from './monitor-settings.ts';
import { checkMonitorSettings } from './monitor-settings.ts';

export async function ensureModelAlarms(
  deps: { readonly alarms: Alarms; readonly settings: MonitorSettings },
  modelName: string,
): Promise<AlarmStatus[]> {
  const settings = checkMonitorSettings(deps.settings);
  const drift = driftAlarm(settings, modelName);
  const accuracy = accuracyAlarm(settings, modelName);
  await deps.alarms.ensure(drift);
  await deps.alarms.ensure(accuracy);
  return deps.alarms.describe([drift.name, accuracy.name]);
}
