/**
 * Runs the real `monitor` function of the demo's stack (its handler in a Lambda sandbox, invoked as the
 * schedule would, for one model) and reads its answer: the drift report and the alarms it put.
 */
import { z } from 'zod';
import type { LocalStack } from '../../local/stack.ts';

const featureSchema = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  psi: z.number(),
  ks: z.number().nullable(),
  count: z.number(),
  missing: z.number(),
});

const alarmSchema = z.object({
  name: z.string(),
  state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string(),
  updatedAt: z.string(),
});

/** The parts of MonitorResult (layers/core/monitoring/types.ts) the demo shows. */
const monitorAnswerSchema = z.object({
  report: z.object({
    model: z.string(),
    baselineVersion: z.number(),
    rows: z.number(),
    maxPsi: z.number(),
    maxPsiFeature: z.string().optional(),
    features: z.array(featureSchema),
    violations: z.array(
      z.object({ feature: z.string(), constraintCheckType: z.string(), count: z.number() }),
    ),
    reportUri: z.string(),
  }),
  alarms: z.array(alarmSchema),
});

export type MonitorAnswer = z.infer<typeof monitorAnswerSchema>;
export type FeatureAnswer = z.infer<typeof featureSchema>;

export async function invokeMonitor(stack: LocalStack, modelName: string): Promise<MonitorAnswer> {
  return monitorAnswerSchema.parse(await stack.invoker.invoke('monitor', { modelName }));
}

/** The features with the highest PSI, highest first. */
export function topFeatures(answer: MonitorAnswer, count: number): FeatureAnswer[] {
  return [...answer.report.features].sort((a, b) => b.psi - a.psi).slice(0, count);
}
