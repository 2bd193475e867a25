/**
 * The two EventBridge events the retrain function accepts, as AWS sends them: a CloudWatch alarm's
 * state change (source aws.cloudwatch) and a schedule rule's tick (source aws.events). Only the fields
 * retraining reads are checked; anything else in the envelope is ignored.
 */
import { z } from 'zod';

const metricStatSchema = z.object({
  metric: z.object({
    name: z.string().min(1),
    namespace: z.string().optional(),
    dimensions: z.record(z.string(), z.string()).optional(),
  }),
  period: z.number().optional(),
  stat: z.string().optional(),
});

const alarmStateSchema = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  /** As CloudWatch writes it, e.g. `2026-01-01T00:05:00.000+0000`: kept as text (it is part of a key). */
  timestamp: z.string().min(1),
  reason: z.string(),
  /** JSON text with the threshold and the datapoints that crossed it (absent on some transitions). */
  reasonData: z.string().optional(),
});

export const alarmStateChangeSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  time: z.string().optional(),
  /** The alarm's ARN. */
  resources: z.array(z.string()).default([]),
  detail: z.object({
    alarmName: z.string().min(1),
    state: alarmStateSchema,
    previousState: alarmStateSchema.partial().optional(),
    configuration: z
      .object({
        description: z.string().optional(),
        // A metric-math alarm's entries have an expression instead of a metricStat.
        metrics: z
          .array(z.object({ id: z.string().optional(), metricStat: metricStatSchema.optional() }))
          .default([]),
      })
      .optional(),
  }),
});
export type AlarmStateChange = z.infer<typeof alarmStateChangeSchema>;

export const scheduledEventSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  /** ISO-8601: the tick this event is for (the same on a redelivery). */
  time: z.string().min(1),
  /** The rule's ARN. */
  resources: z.array(z.string()).min(1),
});
export type ScheduledEvent = z.infer<typeof scheduledEventSchema>;

const reasonDataSchema = z.object({
  threshold: z.number().optional(),
  recentDatapoints: z.array(z.number()).optional(),
});

/** The threshold and the latest datapoint from an alarm state's reasonData, when it has them. */
export function crossing(state: AlarmStateChange['detail']['state']): {
  threshold?: number;
  value?: number;
} {
  if (state.reasonData === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(state.reasonData);
  } catch {
    return {};
  }
  const parsed = reasonDataSchema.safeParse(json);
  if (!parsed.success) return {};
  const { threshold, recentDatapoints } = parsed.data;
  const value = recentDatapoints?.at(-1);
  return {
    ...(threshold === undefined ? {} : { threshold }),
    ...(value === undefined ? {} : { value }),
  };
}
