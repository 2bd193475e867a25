import { parseArgs } from 'node:util';
import { CloudWatchPutMetrics } from '../../layers/aws/cloudwatch-metrics.ts';
import { monitorModel } from '../../layers/core/monitoring/monitor-model.ts';
import type { MonitorResult } from '../../layers/core/monitoring/types.ts';
import type { AlarmStatus } from '../../layers/core/ports.ts';
import { UsageError } from '../errors.ts';
import { formatMonitorResult } from '../format/monitor-result.ts';
import { monitorSettingsOf } from '../stack/monitor-settings.ts';
import { missingService, openStack } from '../stack/session.ts';

const USAGE = 'usage: synergy monitor <model> [--json]';

/**
 * `synergy monitor <model>`: runs the monitor now — the captured traffic of the last window against the
 * champion's baseline — with the settings the deployed monitor function has (serverless.yml), sends its
 * metrics to CloudWatch and prints per-feature drift, the max PSI and each alarm's state after them.
 */
export async function runMonitor(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const modelName = positionals[0];
  if (modelName === undefined) throw new UsageError(USAGE);
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const settings = monitorSettingsOf(session.config);
    const metrics = new CloudWatchPutMetrics(
      session.cloudwatch ?? missingService('CloudWatch'),
      settings.namespace,
      {
        service: settings.service,
      },
    );
    const result = await monitorModel(
      {
        artifacts: session.artifacts,
        registry: session.registry,
        metrics,
        alarms: session.alarms,
        clock: { now: () => new Date() },
        bucket: session.bucket,
        settings,
      },
      modelName,
    );
    await metrics.flush();
    // The alarms were read before this run's metrics reached CloudWatch: read them again.
    const alarms = await session.alarms.describe(result.alarms.map((alarm) => alarm.name));
    const answer: MonitorResult = { ...result, alarms };
    process.stdout.write(
      values.json ? `${JSON.stringify(monitorJson(answer))}\n` : `${formatMonitorResult(answer)}\n`,
    );
    if (session.embedded !== undefined && alarms.some((alarm) => alarm.state === 'ALARM')) {
      // This command started the stack: an alarm may have started a retraining, which must not be cut off.
      process.stderr.write('An alarm is in ALARM: waiting for what it triggered (retraining) to finish…\n');
      await session.embedded.settled();
    }
    return 0;
  } finally {
    await session.close();
  }
}

/** The `--json` object: the fields first, then the whole report. */
function monitorJson(result: MonitorResult) {
  const { report } = result;
  return {
    model: report.model,
    maxPsi: report.maxPsi,
    features: report.features.map((feature) => ({
      name: feature.name,
      psi: feature.psi,
      ks: feature.ks,
      linf: feature.linf,
      js: feature.js,
    })),
    alarms: result.alarms.map((alarm: AlarmStatus) => ({ name: alarm.name, state: alarm.state })),
    baselineVersion: report.baselineVersion,
    rows: report.rows,
    window: report.window,
    predictions: report.predictions,
    violations: report.violations,
    reportUri: report.reportUri,
  };
}
