import { z } from 'zod';
import type { FeatureMatrix } from '../../data/matrix.ts';
import { ParamsError } from '../../errors.ts';

/** scikit-learn 1.2's SVC hyperparameters that libsvm-js can honour, with scikit-learn's names and defaults. */
export const svcParamsSchema = z
  .object({
    kernel: z.enum(['linear', 'poly', 'rbf', 'sigmoid']).default('rbf'),
    C: z.number().positive().default(1),
    // libsvm-js treats gamma 0 as "unset", so only positive numbers are accepted.
    gamma: z.union([z.enum(['scale', 'auto']), z.number().positive()]).default('scale'),
    degree: z.number().int().min(0).default(3),
    coef0: z.number().default(0),
    shrinking: z.boolean().default(true),
    tol: z.number().positive().default(1e-3),
    probability: z.boolean().default(false),
    cache_size: z.number().positive().default(200),
  })
  .strict();

export type SvcParams = z.output<typeof svcParamsSchema>;

/** Validates and fills defaults; throws ParamsError naming the offending field. */
export function parseSvcParams(input: unknown): SvcParams {
  const parsed = svcParamsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(params)';
    throw new ParamsError(`SVC: invalid parameter ${field}: ${issue.message}`, { model: 'SVC', field });
  }
  return parsed.data;
}

/**
 * The kernel coefficient libsvm receives, as scikit-learn computes it: 'scale' is
 * 1 / (n_features · X.var()) with the population variance over every entry of the training matrix
 * (1 when that variance is 0), 'auto' is 1 / n_features.
 */
export function resolveGamma(gamma: SvcParams['gamma'], x: FeatureMatrix): number {
  if (typeof gamma === 'number') return gamma;
  if (gamma === 'auto') return 1 / x.nFeatures;
  const v = x.values;
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  const mean = sum / v.length;
  let squares = 0;
  for (let i = 0; i < v.length; i++) squares += (v[i] - mean) ** 2;
  const variance = squares / v.length;
  return variance === 0 ? 1 : 1 / (x.nFeatures * variance);
}
