/**
 * monitor: the EventBridge schedule (a Scheduled Event) monitors every model with a champion; an on-demand
 * invocation `{ "modelName": "iris" }` monitors that one (NotFoundError when it has no champion). Each run
 * compares the capture window with the champion's baseline, writes a drift report, emits the drift metrics
 * and puts the model's alarms; the answer is the result (or one per model). A ModelVersionCreated from the
 * registry only puts the model's alarms (no window yet to compare), so they exist from its first version.
 */

import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logger } from '../layers/aws/lambda/observability.ts';
import { parseEvent } from '../layers/aws/lambda/parse-event.ts';
import { monitorDeps, parseMonitorEnv } from '../layers/aws/monitoring-wiring.ts';
import { scheduledEventSchema } from '../layers/core/monitoring/alarm-event.ts';
import { ensureModelAlarms } from '../layers/core/monitoring/model-alarms.ts';
import {
  MonitorFailuresError,
  monitorAllModels,
  monitorModel,
} from '../layers/core/monitoring/monitor-model.ts';
import { modelVersionCreatedEventSchema } from '../layers/core/monitoring/registry-event.ts';
import type { MonitorResult } from '../layers/core/monitoring/types.ts';
import { type AlarmStatus, REGISTRY_EVENT_SOURCE } from '../layers/core/ports.ts';
import * as z from '../layers/ml/zod.ts';

const env = parseMonitorEnv();

const FUNCTION_KEY = 'monitor';

const monitorRequestSchema = z.object({
  modelName: z.string().check(z.trim(), z.minLength(1, 'must not be empty')),
});

/** An EventBridge event has a source: the schedule, or a registry event; anything else must name a model. */
function eventBridgeSource(event: unknown): unknown {
  return typeof event === 'object' && event !== null && 'source' in event ? event.source : undefined;
}

/** What a ModelVersionCreated leaves: the model's alarms, put. */
export interface AlarmsPut {
  readonly model: string;
  readonly version: number;
  readonly alarms: readonly AlarmStatus[];
}

function logResult({ report, alarms }: MonitorResult): void {
  logger.info('model monitored', {
    model: report.model,
    baselineVersion: report.baselineVersion,
    rows: report.rows,
    maxPsi: report.maxPsi,
    maxPsiFeature: report.maxPsiFeature,
    violations: report.violations.length,
    reportUri: report.reportUri,
    alarms: alarms.map((alarm) => `${alarm.name}: ${alarm.state}`),
  });
}

export const handler = lambdaHandler({
  functionKey: FUNCTION_KEY,
  event: z.unknown(),
  handle: async (event, { signal }): Promise<MonitorResult | MonitorResult[] | AlarmsPut> => {
    const source = eventBridgeSource(event);
    if (source === REGISTRY_EVENT_SOURCE) {
      const { detail } = parseEvent(modelVersionCreatedEventSchema, event, FUNCTION_KEY);
      const alarms = await ensureModelAlarms(await monitorDeps(env), detail.modelName);
      logger.info('model alarms put', {
        model: detail.modelName,
        version: detail.version,
        alarms: alarms.map((alarm) => `${alarm.name}: ${alarm.state}`),
      });
      return { model: detail.modelName, version: detail.version, alarms };
    }
    if (source !== undefined) {
      parseEvent(scheduledEventSchema, event, FUNCTION_KEY);
      const deps = await monitorDeps(env);
      try {
        const results = await monitorAllModels(deps, signal);
        for (const result of results) logResult(result);
        return results;
      } catch (error) {
        // The models that were monitored still say so before the invocation fails for the others.
        if (error instanceof MonitorFailuresError) for (const result of error.results) logResult(result);
        throw error;
      }
    }
    const { modelName } = parseEvent(monitorRequestSchema, event, FUNCTION_KEY);
    const result = await monitorModel(await monitorDeps(env), modelName, signal);
    logResult(result);
    return result;
  },
});
