import { vi } from 'vitest';

/**
 * The env the functions read at import (they parse it once, at module scope), with Powertools quiet:
 * logs at SILENT still reach a spy on the logger, and metrics are not printed. Call before importing a
 * handler module.
 */
export function stubLambdaEnv(): void {
  vi.stubEnv('DATA_BUCKET', 'synergy-dev-us-east-1-data');
  vi.stubEnv('RUNS_TABLE', 'synergy-test-runs');
  vi.stubEnv('REGISTRY_TABLE', 'synergy-test-registry');
  vi.stubEnv(
    'TRAINING_STATE_MACHINE_ARN',
    'arn:aws:states:us-east-1:123456789012:stateMachine:synergy-test-training',
  );
  vi.stubEnv('CODE_VERSION', '0.1.0');
  vi.stubEnv('API_KEYS_TABLE', 'synergy-test-api-keys');
  vi.stubEnv('SERVING_ALIAS_TTL_SECONDS', '5');
  vi.stubEnv('MODEL_CACHE_SIZE', '8');
  vi.stubEnv('CAPTURE_SAMPLE_RATE', '0.1');
  vi.stubEnv('CAPTURE_BATCH_ROWS', '1000');
  vi.stubEnv('CAPTURE_BATCH_SECONDS', '60');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'synergy');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Synergy');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
}

/** The monitor and feedback functions' own variables as serverless.yml gives them (besides stubLambdaEnv's). */
export const MONITORING_ENV = {
  MONITOR_WINDOW_SECONDS: '3600',
  ALARM_PREFIX: 'synergy-test-',
  DRIFT_PSI_THRESHOLD: '0.25',
  ACCURACY_FLOOR: '0.7',
  ALARM_PERIOD_SECONDS: '3600',
  FEEDBACK_LOOKBACK_DAYS: '7',
} as const;

/** stubLambdaEnv plus MONITORING_ENV. Call before importing a monitoring handler module. */
export function stubMonitoringEnv(): void {
  stubLambdaEnv();
  for (const [name, value] of Object.entries(MONITORING_ENV)) vi.stubEnv(name, value);
}
