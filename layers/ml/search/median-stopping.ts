import { ParamsError } from '../errors.ts';

/** The median as numpy computes it: the middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Mean of the first `count` scores, summed in fold order (as summarizeScores). */
export function runningMean(scores: readonly number[], count: number): number {
  let sum = 0;
  for (let f = 0; f < count; f++) sum += scores[f];
  return sum / count;
}

/**
 * The median stopping rule of Katib, Azure ML and Vizier, with CV folds as the steps: once a
 * configuration has at least `minFolds` fold scores (and still has folds to go), it stops if its running
 * mean is strictly below the median of the running means, at the same fold count, of the configurations
 * that completed every fold before it. Until some configuration has completed nothing is stopped, so the
 * first configuration always runs to the end and there is always a complete one to choose.
 *
 * The rule's state is the completed configurations, so its decisions depend on the order configurations
 * are resolved in; the search resolves them in evaluation order whatever finishes first.
 */
export class MedianStoppingRule {
  /** completedMeans[c] = running means after c folds of every completed configuration. */
  private readonly completedMeans: number[][];

  constructor(
    readonly nFolds: number,
    readonly minFolds = 2,
  ) {
    if (!Number.isInteger(minFolds) || minFolds < 1) {
      throw new ParamsError(`median stopping: minFolds must be an integer ≥ 1, got ${minFolds}`, {
        minFolds,
      });
    }
    this.completedMeans = Array.from({ length: nFolds + 1 }, () => []);
  }

  /** Whether a configuration with these first `count` fold scores stops now. */
  shouldStop(scores: readonly number[], count: number): boolean {
    if (count < this.minFolds || count >= this.nFolds) return false;
    const peers = this.completedMeans[count];
    if (peers.length === 0) return false;
    return runningMean(scores, count) < median(peers);
  }

  /** Records a configuration that ran every fold, so later ones are compared with it. */
  recordCompleted(scores: readonly number[]): void {
    for (let c = 1; c <= this.nFolds; c++) this.completedMeans[c].push(runningMean(scores, c));
  }
}
