/**
 * The sample events in events/ are what each function really receives: each one is valid for the schema
 * its handler parses, so they can be used to invoke the functions by hand (locally or on AWS).
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { s3EventSchema } from '../../layers/aws/lambda/s3-event.ts';
import { driftAlarmName } from '../../layers/core/monitoring/alarm-definitions.ts';
import {
  alarmStateChangeSchema,
  crossing,
  scheduledEventSchema,
} from '../../layers/core/monitoring/alarm-event.ts';
import { modelVersionCreatedEventSchema } from '../../layers/core/monitoring/registry-event.ts';
import { finishStateSchema } from '../../layers/core/pipeline/finish-run.ts';
import {
  failureEventSchema,
  runStateAfterEvaluateSchema,
  runStateAfterPlanSchema,
  runStateAfterPrepSchema,
  runStateAfterRefitsSchema,
  runStateAfterRegisterSchema,
  runStateSchema,
  trainEventSchema,
} from '../../layers/core/pipeline/messages.ts';
import { sampleEvent } from './sample-events.ts';

const EVENTS: readonly { readonly file: string; readonly schema: z.core.$ZodType }[] = [
  { file: 'start-run', schema: s3EventSchema },
  { file: 'prep', schema: runStateSchema },
  { file: 'plan', schema: runStateAfterPrepSchema },
  { file: 'train', schema: trainEventSchema },
  { file: 'train-refit', schema: trainEventSchema },
  { file: 'select-best', schema: runStateAfterPlanSchema },
  { file: 'evaluate', schema: runStateAfterRefitsSchema },
  { file: 'register', schema: runStateAfterEvaluateSchema },
  { file: 'promote', schema: runStateAfterRegisterSchema },
  { file: 'finish-run', schema: finishStateSchema },
  { file: 'record-failure', schema: failureEventSchema },
  { file: 'batch-transform', schema: s3EventSchema },
  { file: 'monitor-schedule', schema: scheduledEventSchema },
  { file: 'monitor-version-created', schema: modelVersionCreatedEventSchema },
  { file: 'feedback', schema: s3EventSchema },
  { file: 'retrain-alarm', schema: alarmStateChangeSchema },
  { file: 'retrain-schedule', schema: scheduledEventSchema },
];
/** Events that do not come from the training run (S3 notifications of other prefixes, EventBridge). */
const OUTSIDE_THE_RUN = new Set([
  'start-run',
  'batch-transform',
  'monitor-schedule',
  'monitor-version-created',
  'feedback',
  'retrain-alarm',
  'retrain-schedule',
]);

describe('sample events', () => {
  it.each(EVENTS)('events/$file.json is a valid event for its function', async ({ file, schema }) => {
    const parsed = z.safeParse(schema, await sampleEvent(file));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('follow one run: every state event carries the run the upload started', async () => {
    const prep = await sampleEvent('prep');
    for (const { file } of EVENTS.filter(({ file }) => !OUTSIDE_THE_RUN.has(file))) {
      expect((await sampleEvent(file)).runId, file).toBe(prep.runId);
    }
  });

  it('give retrain the drift alarm of construction as `dev` names it, with the crossing it reads', async () => {
    const event = alarmStateChangeSchema.parse(await sampleEvent('retrain-alarm'));
    expect(event.detail.alarmName).toBe(driftAlarmName({ alarmPrefix: 'synergy-dev-' }, 'construction'));
    expect(crossing(event.detail.state)).toEqual({ threshold: 0.25, value: 1.944 });
    const version = modelVersionCreatedEventSchema.parse(await sampleEvent('monitor-version-created'));
    expect(version.detail.modelName).toBe('construction');
  });

  it('give train a CV cell and a refit', async () => {
    expect(trainEventSchema.parse(await sampleEvent('train')).cell.kind).toBe('cv');
    expect(trainEventSchema.parse(await sampleEvent('train-refit')).cell.kind).toBe('refit');
  });
});
