import type { Fold } from '../data/folds.ts';
import { stratifiedKFold } from '../data/folds.ts';
import type { LabelledMatrix } from '../data/matrix.ts';
import type { ModelSpec } from '../models/classifier.ts';
import { crossValidate } from './cross-validate.ts';
import type { ParamGrid } from './grid.ts';
import { expandGrid } from './grid.ts';

export interface GridSearchOptions {
  /** Number of stratified folds (default 5), or ready-made folds to use as they are. */
  readonly folds?: number | readonly Fold[];
  /** Seed for the fold shuffle and for every model fit (default 42). */
  readonly seed?: number;
  /** Shuffle rows within each class before assigning folds (default true). */
  readonly shuffle?: boolean;
}

export interface GridResult {
  readonly params: Record<string, unknown>;
  readonly meanScore: number;
  readonly stdScore: number;
  readonly foldScores: number[];
  readonly fitSeconds: number;
  /** 1 = best; equal means share the lowest rank (scipy rankdata method="min", as scikit-learn). */
  readonly rank: number;
}

export interface GridSearchResult {
  /** One entry per combination, in grid (ParameterGrid) order. */
  readonly results: GridResult[];
  readonly bestParams: Record<string, unknown>;
  readonly bestScore: number;
}

/** Ranks by descending mean, ties sharing the lowest rank; NaN means rank last (as scikit-learn). */
export function rankByMean(means: readonly number[]): number[] {
  const finite = means.map((m) => (Number.isNaN(m) ? Number.NEGATIVE_INFINITY : m));
  return finite.map((m) => 1 + finite.filter((other) => other > m).length);
}

/** Index of the best mean; ties go to the first in grid order (scikit-learn's argmin over ranks). */
export function bestIndex(means: readonly number[]): number {
  const ranks = rankByMean(means);
  return ranks.indexOf(1);
}

/**
 * Exhaustive search over a grid with cross-validated accuracy (stratified k-fold by default). Pure and
 * sequential; the caller refits the best parameters on all training data.
 */
export function gridSearch<P extends Record<string, unknown>>(
  spec: ModelSpec<P>,
  grid: ParamGrid,
  data: LabelledMatrix,
  opts: GridSearchOptions = {},
): GridSearchResult {
  const seed = opts.seed ?? 42;
  const folds =
    typeof opts.folds === 'object'
      ? opts.folds
      : stratifiedKFold(data.y, data.nClasses, opts.folds ?? 5, { shuffle: opts.shuffle ?? true, seed });
  const combos = expandGrid(grid);
  const scored = combos.map((params) => ({ params, cv: crossValidate(spec, params, data, folds, seed) }));
  const means = scored.map((s) => s.cv.mean);
  const ranks = rankByMean(means);
  const results = scored.map(({ params, cv }, i) => ({
    params,
    meanScore: cv.mean,
    stdScore: cv.std,
    foldScores: cv.foldScores,
    fitSeconds: cv.fitSeconds,
    rank: ranks[i],
  }));
  const best = results[bestIndex(means)];
  return { results, bestParams: best.params, bestScore: best.meanScore };
}
