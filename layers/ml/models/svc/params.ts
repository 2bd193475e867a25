import type { FeatureMatrix } from '../../data/matrix.ts';
import { ParamsError } from '../../errors.ts';
import * as z from '../../zod.ts';

/** scikit-learn 1.2's SVC hyperparameters that libsvm-js can honour, with scikit-learn's names and defaults. */
const positive = z.number().check(z.positive());

export const svcParamsSchema = z.strictObject({
  kernel: z._default(z.enum(['linear', 'poly', 'rbf', 'sigmoid']), 'rbf'),
  C: z._default(positive, 1),
  // libsvm-js treats gamma 0 as "unset", so only positive numbers are accepted.
  gamma: z._default(z.union([z.enum(['scale', 'auto']), positive]), 'scale'),
  degree: z._default(z.int().check(z.minimum(0)), 3),
  coef0: z._default(z.number(), 0),
  shrinking: z._default(z.boolean(), true),
  tol: z._default(positive, 1e-3),
  probability: z._default(z.boolean(), false),
  cache_size: z._default(positive, 200),
});

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
