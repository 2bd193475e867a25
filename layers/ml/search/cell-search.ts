import type { Fold } from '../data/folds.ts';
import { stratifiedKFold } from '../data/folds.ts';
import type { LabelledMatrix } from '../data/matrix.ts';
import { MlError, ParamsError } from '../errors.ts';
import type { ModelName } from '../models/classifier.ts';
import type { CellResult, CellStatus, CellTask, SpecResolver } from './cell.ts';
import { runCell } from './cell.ts';
import { summarizeScores } from './cross-validate.ts';
import type { ParamGrid } from './grid.ts';
import { expandGrid } from './grid.ts';
import type { GridResult } from './grid-search.ts';
import { rankByMean } from './grid-search.ts';
import { MedianStoppingRule } from './median-stopping.ts';
import { sampleGrid } from './random-search.ts';

/** Runs cells somewhere: in this thread, on a worker pool, on Lambda. */
export interface CellRunner {
  /** How many cells it runs at once (the search keeps no more in flight when it may stop early). */
  readonly concurrency: number;
  run(cell: CellTask): Promise<CellResult>;
}

/** Runs each cell synchronously in this thread, one at a time. */
export function inProcessRunner(
  data: LabelledMatrix,
  folds: readonly Fold[],
  resolve?: SpecResolver,
): CellRunner {
  return {
    concurrency: 1,
    run: async (cell) => runCell(data, folds, cell, resolve),
  };
}

export type SearchStrategy = 'grid' | 'random';
export type EarlyStopping = 'none' | 'median';

export interface FoldOptions {
  /** Number of stratified folds (default 5), or ready-made folds to use as they are. */
  readonly folds?: number | readonly Fold[];
  /** Seed of the fold shuffle (default 42). */
  readonly seed?: number;
  /** Shuffle rows within each class before assigning folds (default true). */
  readonly shuffle?: boolean;
}

/** The folds gridSearch would use for these options. */
export function searchFolds(data: LabelledMatrix, opts: FoldOptions = {}): readonly Fold[] {
  if (typeof opts.folds === 'object') return opts.folds;
  return stratifiedKFold(data.y, data.nClasses, opts.folds ?? 5, {
    shuffle: opts.shuffle ?? true,
    seed: opts.seed ?? 42,
  });
}

/**
 * The configurations a search evaluates, in evaluation order: the whole grid in ParameterGrid order, or
 * `trials` (default 10, scikit-learn's n_iter) seeded draws without replacement.
 */
export function searchConfigurations(
  grid: ParamGrid,
  opts: { readonly search?: SearchStrategy; readonly trials?: number; readonly seed?: number } = {},
): Record<string, unknown>[] {
  const search = opts.search ?? 'grid';
  if (search === 'grid') return expandGrid(grid);
  if (search === 'random') return sampleGrid(grid, opts.trials ?? 10, opts.seed ?? 42);
  throw new ParamsError(`unknown search "${String(search)}" (expected grid or random)`, { search });
}

export interface CellSearchOptions {
  readonly model: ModelName;
  /** The number of folds the runner holds; cells use fold indices 0..nFolds-1. */
  readonly nFolds: number;
  /** Every model fit's seed (as gridSearch, one seed for all folds). */
  readonly seed: number;
  /** `median` stops unpromising configurations early; it changes results vs exhaustive search. */
  readonly earlyStop?: EarlyStopping;
  /** Folds a configuration runs before the median rule may stop it (default 2). */
  readonly minFolds?: number;
}

/**
 * One configuration's outcome. A stopped one keeps its partial mean (over the folds it ran) in
 * `meanScore`, is ranked after every complete one, and is never the best.
 */
export interface SearchEntry extends GridResult {
  readonly status: 'complete' | 'stopped';
  readonly stopped: boolean;
  readonly foldsDone: number;
}

/** One (configuration, fold) cell as the search saw it; the folds a stopped configuration skipped say so. */
export interface CellRecord {
  /** Index into `results` (evaluation order). */
  readonly config: number;
  readonly fold: number;
  readonly status: CellStatus;
  /** NaN when the cell was not run. */
  readonly score: number;
  readonly fitSeconds: number;
}

export interface CellSearchResult {
  /** One entry per configuration, in evaluation order. */
  readonly results: SearchEntry[];
  /** Every cell, configuration-major then by fold. */
  readonly cells: CellRecord[];
  readonly bestParams: Record<string, unknown>;
  readonly bestScore: number;
}

/**
 * Cross-validates `configs` cell by cell on `runner`. Without early stopping every cell is sent at once
 * and the result equals gridSearch's on the same configurations. With the median rule, the outcome is
 * defined by evaluating configurations one after another, fold by fold, in the given order; cells are
 * still run in parallel (up to the runner's concurrency, in that order) but decisions are taken strictly
 * in that order as results come in, and a cell of a configuration that turns out to be stopped before
 * its fold is discarded. So the results (scores, stopped flags, best) do not depend on the runner or on
 * how many cells it runs at once; only the wall time does.
 */
export async function searchCells(
  configs: readonly Record<string, unknown>[],
  runner: CellRunner,
  opts: CellSearchOptions,
): Promise<CellSearchResult> {
  const k = opts.nFolds;
  const n = configs.length;
  if (n === 0) throw new ParamsError('search: no configurations to evaluate', {});
  const rule = opts.earlyStop === 'median' ? new MedianStoppingRule(k, opts.minFolds) : undefined;
  const cells: (CellResult | undefined)[][] = configs.map(() => new Array<CellResult | undefined>(k));
  /** Folds done when stopped; -1 while running or when complete. */
  const stoppedAt = new Array<number>(n).fill(-1);
  let resolved = 0;

  // Configurations before `resolved` are decided; only the one at `resolved` can be decided next,
  // because the rule compares it with every complete configuration before it.
  const decide = (): void => {
    while (resolved < n) {
      const scores = cells[resolved];
      let done = 0;
      while (done < k && scores[done] !== undefined) done++;
      const foldScores = scores.slice(0, done).map((cell) => cell?.score ?? Number.NaN);
      let stopAt = -1;
      if (rule) {
        for (let count = 1; count <= Math.min(done, k - 1) && stopAt < 0; count++) {
          if (rule.shouldStop(foldScores, count)) stopAt = count;
        }
      }
      if (stopAt >= 0) stoppedAt[resolved] = stopAt;
      else if (done === k) rule?.recordCompleted(foldScores);
      else return;
      resolved++;
    }
  };

  const window = rule ? Math.max(1, runner.concurrency) : Number.POSITIVE_INFINITY;
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      decide();
      while (inFlight < window && next < n * k) {
        const config = Math.floor(next / k);
        const fold = next % k;
        next++;
        if (stoppedAt[config] >= 0) continue;
        inFlight++;
        // Wrapped so a runner that throws instead of rejecting fails the search the same way.
        new Promise<CellResult>((settle) =>
          settle(runner.run({ model: opts.model, params: configs[config], fold, seed: opts.seed })),
        ).then(
          (result) => {
            inFlight--;
            cells[config][fold] = result;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
      if (inFlight === 0 && next >= n * k) {
        decide();
        resolve();
      }
    };
    pump();
  });
  return summarize(configs, cells, stoppedAt, k);
}

function summarize(
  configs: readonly Record<string, unknown>[],
  cells: readonly (CellResult | undefined)[][],
  stoppedAt: readonly number[],
  k: number,
): CellSearchResult {
  const records: CellRecord[] = [];
  const partial = configs.map((params, c) => {
    const foldsDone = stoppedAt[c] >= 0 ? stoppedAt[c] : k;
    const foldScores: number[] = [];
    let fitSeconds = 0;
    for (let fold = 0; fold < k; fold++) {
      const cell = cells[c][fold];
      if (fold < foldsDone && cell) {
        foldScores.push(cell.score);
        fitSeconds += cell.fitSeconds;
        records.push({ config: c, fold, status: 'ok', score: cell.score, fitSeconds: cell.fitSeconds });
      } else {
        records.push({ config: c, fold, status: 'stopped', score: Number.NaN, fitSeconds: 0 });
      }
    }
    return {
      params,
      foldScores,
      fitSeconds,
      foldsDone,
      stopped: foldsDone < k,
      ...summarizeScores(foldScores),
    };
  });
  const ranks = rankWithStopped(
    partial.map((p) => p.mean),
    partial.map((p) => p.stopped),
  );
  const results: SearchEntry[] = partial.map((p, c) => ({
    params: p.params,
    meanScore: p.mean,
    stdScore: p.std,
    foldScores: p.foldScores,
    fitSeconds: p.fitSeconds,
    rank: ranks[c],
    status: p.stopped ? 'stopped' : 'complete',
    stopped: p.stopped,
    foldsDone: p.foldsDone,
  }));
  // The first rank-1 entry is the first complete maximum in evaluation order (scikit-learn's tie rule).
  const best = results[ranks.indexOf(1)];
  // Cannot happen: the median rule never stops the first configuration.
  if (!best) throw new MlError('search: every configuration was stopped early', {});
  return { results, cells: records, bestParams: best.params, bestScore: best.meanScore };
}

/**
 * rankByMean over the complete configurations; stopped ones come after all of them, ranked among
 * themselves by partial mean, so no stopped configuration can hold rank 1.
 */
export function rankWithStopped(means: readonly number[], stopped: readonly boolean[]): number[] {
  const completeIdx = means.map((_, i) => i).filter((i) => !stopped[i]);
  const stoppedIdx = means.map((_, i) => i).filter((i) => stopped[i]);
  const ranks = new Array<number>(means.length);
  rankByMean(completeIdx.map((i) => means[i])).forEach((r, j) => {
    ranks[completeIdx[j]] = r;
  });
  rankByMean(stoppedIdx.map((i) => means[i])).forEach((r, j) => {
    ranks[stoppedIdx[j]] = completeIdx.length + r;
  });
  return ranks;
}
