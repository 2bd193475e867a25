import { ParamsError } from '../../errors.ts';
import * as z from '../../zod.ts';

/** Hyperparameter schemas shared by the tree models, with scikit-learn's names and meanings. */
export const criterionParam = z.enum(['gini', 'entropy']);
export const maxDepthParam = z.nullable(z.int().check(z.minimum(1)));
export const minSamplesSplitParam = z.int().check(z.minimum(2));
export const minSamplesLeafParam = z.int().check(z.minimum(1));
/**
 * null = all features; 'sqrt' / 'log2' of the feature count; an integer count; or a fraction in (0, 1).
 * (JSON cannot tell 1 from 1.0, so 1 means one feature and "all features" is null.)
 */
export const maxFeaturesParam = z.nullable(
  z.union([z.enum(['sqrt', 'log2']), z.int().check(z.minimum(1)), z.number().check(z.gt(0), z.lt(1))]),
);
export type MaxFeatures = z.infer<typeof maxFeaturesParam>;

/** Features drawn per node, as scikit-learn resolves max_features. */
export function resolveMaxFeatures(maxFeatures: MaxFeatures, nFeatures: number): number {
  if (maxFeatures === null) return nFeatures;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (Number.isInteger(maxFeatures)) {
    if (maxFeatures > nFeatures) {
      throw new ParamsError(`max_features=${maxFeatures} exceeds the ${nFeatures} features of the data`, {
        field: 'max_features',
      });
    }
    return maxFeatures;
  }
  return Math.max(1, Math.floor(maxFeatures * nFeatures));
}
