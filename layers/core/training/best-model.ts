/**
 * How a search result becomes a leaderboard entry and how the best model is chosen and described. Shared
 * by the in-process pipeline (train-in-process.ts) and the serverless one (pipeline/select-best.ts,
 * pipeline/evaluate-run.ts), so both give the same answer for the same data, config and seed.
 */
import type { ClassLabel } from '../../ml/data/labels.ts';
import type { LabelledMatrix } from '../../ml/data/matrix.ts';
import type { ClassificationReport } from '../../ml/metrics/classification-report.ts';
import { classificationReport } from '../../ml/metrics/classification-report.ts';
import { confusionMatrix } from '../../ml/metrics/confusion-matrix.ts';
import type { Classifier, ModelJSON, ModelName } from '../../ml/models/classifier.ts';
import { permutationImportance } from '../../ml/models/permutation-importance.ts';
import type { SearchEntry } from '../../ml/search/cell-search.ts';
import type { GridResult } from '../../ml/search/grid-search.ts';

export interface LeaderboardEntry {
  readonly model: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  /** Mean accuracy over the CV folds of the best configuration. */
  readonly cvAccuracy: number;
  readonly cvStd: number;
  readonly testAccuracy: number;
  /**
   * Seconds spent on the model: wall time of its search plus refit in-process; the sum of its cells' and
   * its refit's fit times in the serverless pipeline.
   */
  readonly fitSeconds: number;
  readonly configurations: number;
  /** Every configuration evaluated, in evaluation order (in-process only); stopped ones say so. */
  readonly results?: readonly SearchEntry[];
}

export interface FeatureImportance {
  readonly feature: string;
  readonly importance: number;
}

export interface BestModel {
  readonly model: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly testAccuracy: number;
  readonly confusionMatrix: number[][];
  readonly report: ClassificationReport;
  readonly featureImportances: readonly FeatureImportance[];
  /** Native (impurity, |coefficients|) where the model defines it, else permutation on the test split. */
  readonly importanceKind: 'native' | 'permutation';
  readonly artifact: ModelJSON;
}

/** A model's chosen configuration, as its search ranked them. */
export interface ChosenConfiguration {
  /** Its index in `results` (evaluation order). */
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly cvAccuracy: number;
  readonly cvStd: number;
  readonly configurations: number;
}

/**
 * The first rank-1 configuration in evaluation order (scikit-learn's tie rule: equal means go to the
 * earlier configuration). `results` carry ranks from rankByMean/rankWithStopped, so a stopped
 * configuration never holds rank 1.
 */
export function chooseConfiguration(results: readonly GridResult[]): ChosenConfiguration {
  const index = results.findIndex((r) => r.rank === 1);
  if (index < 0) throw new RangeError('chooseConfiguration: no configuration ranked first');
  const best = results[index];
  return {
    index,
    params: best.params,
    cvAccuracy: best.meanScore,
    cvStd: best.stdScore,
    configurations: results.length,
  };
}

/** Highest test accuracy; the leaderboard is in paper order, so the first maximum wins ties. */
export function pickBest<T extends Pick<LeaderboardEntry, 'testAccuracy'>>(leaderboard: readonly T[]): T {
  if (leaderboard.length === 0) throw new RangeError('pickBest: the leaderboard is empty');
  let best = leaderboard[0];
  for (const entry of leaderboard) if (entry.testAccuracy > best.testAccuracy) best = entry;
  return best;
}

/** What describing the best model needs of the prepared data. */
export interface TestSplit {
  readonly classes: readonly ClassLabel[];
  readonly featureNames: readonly string[];
  readonly test: LabelledMatrix;
}

/**
 * The best model's confusion matrix, classification report and feature importances on the test split.
 * `predicted` is the model's prediction of `data.test`; permutation importance is seeded with the run's
 * seed so it is reproducible.
 */
export function describeBest(
  entry: Pick<LeaderboardEntry, 'model' | 'params' | 'testAccuracy'>,
  data: TestSplit,
  model: Classifier,
  predicted: Int32Array,
  seed: number,
): BestModel {
  const labels = data.classes.map((c) => String(c));
  const native = model.featureImportances();
  const importances = native ?? permutationImportance(model, data.test, { seed }).mean;
  return {
    model: entry.model,
    params: entry.params,
    testAccuracy: entry.testAccuracy,
    confusionMatrix: confusionMatrix(data.test.y, predicted, labels.length),
    report: classificationReport(data.test.y, predicted, labels.length, labels),
    featureImportances: data.featureNames.map((feature, j) => ({ feature, importance: importances[j] })),
    importanceKind: native ? 'native' : 'permutation',
    artifact: model.toJSON(),
  };
}
