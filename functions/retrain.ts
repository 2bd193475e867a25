/**
 * retrain: a drift or accuracy alarm going to ALARM (EventBridge rule on CloudWatch Alarm State Change)
 * retrains its model; a schedule tick (Scheduled Event) retrains every model with a champion. Executions
 * are named from the alarm transition or the tick, so a redelivered event starts nothing new.
 */
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logger } from '../layers/aws/lambda/observability.ts';
import { parseEvent } from '../layers/aws/lambda/parse-event.ts';
import { parseRetrainEnv } from '../layers/aws/monitoring-wiring.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { alarmStateChangeSchema, scheduledEventSchema } from '../layers/core/monitoring/alarm-event.ts';
import { type RetrainOutcome, retrainOnAlarm, retrainOnSchedule } from '../layers/core/monitoring/retrain.ts';
import * as z from '../layers/ml/zod.ts';

const env = parseRetrainEnv();

const FUNCTION_KEY = 'retrain';
const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';
const SCHEDULED_EVENT = 'Scheduled Event';

/** Which of the two events this is: the detail-type says, and names the field when it is neither. */
const eventKindSchema = z.object({ 'detail-type': z.enum([ALARM_STATE_CHANGE, SCHEDULED_EVENT]) });

export const handler = lambdaHandler({
  functionKey: FUNCTION_KEY,
  // The kind is read first, then the whole event by that kind's schema (a schema here would strip it).
  event: z.unknown(),
  handle: async (event): Promise<RetrainOutcome[]> => {
    const kind = parseEvent(eventKindSchema, event, FUNCTION_KEY)['detail-type'];
    const outcomes =
      kind === ALARM_STATE_CHANGE
        ? await retrainOnAlarm(
            pipelineDeps(env),
            parseEvent(alarmStateChangeSchema, event, FUNCTION_KEY),
            env.ALARM_PREFIX,
          )
        : await retrainOnSchedule(pipelineDeps(env), parseEvent(scheduledEventSchema, event, FUNCTION_KEY));
    for (const outcome of outcomes) logger.info('retraining', { ...outcome });
    return outcomes;
  },
});
