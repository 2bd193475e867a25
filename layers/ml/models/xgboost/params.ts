import * as z from '../../zod.ts';

/**
 * XGBoost's hyperparameters under the names and defaults of its scikit-learn API (xgboost 1.7,
 * tree_method='hist'). `gamma` is xgboost's min_split_loss: a split is kept only when its loss change
 * (see split-search.ts) is at least gamma.
 */
export const xgboostParams = z.strictObject({
  n_estimators: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 100),
  learning_rate: z._default(z.number().check(z.gt(0), z.lte(1)), 0.3),
  max_depth: z._default(z.int().check(z.minimum(1), z.maximum(30)), 6),
  reg_lambda: z._default(z.number().check(z.minimum(0)), 1),
  gamma: z._default(z.number().check(z.minimum(0)), 0),
  min_child_weight: z._default(z.number().check(z.minimum(0)), 1),
  colsample_bytree: z._default(z.number().check(z.gt(0), z.lte(1)), 1),
  subsample: z._default(z.number().check(z.gt(0), z.lte(1)), 1),
  max_bin: z._default(z.int().check(z.minimum(2), z.maximum(256)), 256),
});
export type XGBoostParams = z.infer<typeof xgboostParams>;
