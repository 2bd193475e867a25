import { monitorSettingsFromEnv } from '../../layers/aws/monitoring-wiring.ts';
import type { MonitorSettings } from '../../layers/core/monitoring/monitor-settings.ts';
import type { StackConfig } from '../../local/config/stack-config.ts';
import { UsageError } from '../errors.ts';

/** The settings the deployed monitor function runs with (its environment in serverless.yml). */
export function monitorSettingsOf(config: StackConfig): MonitorSettings {
  const monitorFunction = config.functions.monitor;
  if (monitorFunction === undefined) throw new UsageError('serverless.yml defines no `monitor` function');
  return monitorSettingsFromEnv(monitorFunction.environment);
}
