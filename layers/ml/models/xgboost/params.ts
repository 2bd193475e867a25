import { z } from 'zod';

/**
 * XGBoost's hyperparameters under the names and defaults of its scikit-learn API (xgboost 1.7,
 * tree_method='hist'). `gamma` is xgboost's min_split_loss: a split is kept only when its loss change
 * (see split-search.ts) is at least gamma.
 */
export const xgboostParams = z
  .object({
    n_estimators: z.int().min(1).max(10_000).default(100),
    learning_rate: z.number().gt(0).lte(1).default(0.3),
    max_depth: z.int().min(1).max(30).default(6),
    reg_lambda: z.number().min(0).default(1),
    gamma: z.number().min(0).default(0),
    min_child_weight: z.number().min(0).default(1),
    colsample_bytree: z.number().gt(0).lte(1).default(1),
    subsample: z.number().gt(0).lte(1).default(1),
    max_bin: z.int().min(2).max(256).default(256),
  })
  .strict();
export type XGBoostParams = z.infer<typeof xgboostParams>;
