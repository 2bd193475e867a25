import type { PreparedData, PrepareOptions } from '../../ml/data/prepare.ts';
import { prepareCsv } from '../../ml/data/prepare.ts';
import { MlError } from '../../ml/errors.ts';
import { accuracy } from '../../ml/metrics/accuracy.ts';
import type { Classifier, ModelName } from '../../ml/models/classifier.ts';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';
import { availableModels, createModel, parseParams } from '../../ml/models/registry.ts';
import type { CellRunner, EarlyStopping, SearchStrategy } from '../../ml/search/cell-search.ts';
import {
  inProcessRunner,
  searchCells,
  searchConfigurations,
  searchFolds,
} from '../../ml/search/cell-search.ts';
import { PAPER_GRIDS } from '../../ml/search/paper-grids.ts';
import type { BestModel, LeaderboardEntry } from './best-model.ts';
import { chooseConfiguration, describeBest } from './best-model.ts';
import { createCellPool } from './cell-pool.ts';

export type { BestModel, LeaderboardEntry } from './best-model.ts';
export { pickBest } from './best-model.ts';

export interface TrainOptions extends PrepareOptions {
  /** Models to train, in any order; default: every available model. */
  readonly models?: readonly string[];
  /** Per-model grid overrides; a model without one uses the paper's grid. */
  readonly grids?: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>;
  /** Progress callback (CLI prints it to stderr); never affects results. */
  readonly onProgress?: (event: TrainProgress) => void;
  /** Wall clock in seconds; injectable so tests can pin timings. */
  readonly now?: () => number;
  /**
   * Worker threads for the CV cells (default 1: in this thread, no pool). Results are identical for any
   * number; only the wall time changes.
   */
  readonly workers?: number;
  /** `grid` (default): every combination; `random`: `trials` seeded draws without replacement. */
  readonly search?: SearchStrategy;
  /** Configurations random search draws per model (default 10). */
  readonly trials?: number;
  /**
   * `median` stops a configuration whose running CV mean falls below the median of the complete ones
   * after `minFolds` folds; it can change the chosen parameters vs exhaustive search. Default `none`
   * for grid search, `median` for random search.
   */
  readonly earlyStop?: EarlyStopping;
  /** Folds every configuration runs before the median rule may stop it (default 2). */
  readonly minFolds?: number;
}

export type TrainProgress =
  | { readonly kind: 'prepared'; readonly rows: number; readonly features: number; readonly classes: number }
  | { readonly kind: 'model-started'; readonly model: ModelName; readonly configurations: number }
  | { readonly kind: 'model-done'; readonly entry: LeaderboardEntry };

export interface TrainResult {
  readonly data: Pick<PreparedData, 'target' | 'classes' | 'featureNames' | 'summary'> & {
    readonly trainRows: number;
    readonly testRows: number;
  };
  readonly leaderboard: readonly LeaderboardEntry[];
  readonly best: BestModel;
  readonly preprocessor: ReturnType<PreparedData['preprocessor']['toJSON']>;
  readonly seconds: number;
}

const DEFAULT_SEED = 42;
const DEFAULT_FOLDS = 5;

/**
 * The paper's pipeline, in-process: prepare (impute, one-hot, scale, stratified 80/20 split), grid search
 * each model with stratified k-fold CV, refit the best configuration on the whole training split, score
 * the test split. The best model is the highest test accuracy; ties go to the earlier model in the
 * paper's order. CV cells run in this thread or, with `workers` > 1, on a worker pool made for this call
 * (the training split is shared with the workers once) and destroyed before returning; the results are
 * the same either way. `search: 'random'` and `earlyStop: 'median'` change what is evaluated (see
 * TrainOptions).
 */
export async function trainInProcess(
  source: AsyncIterable<string | Uint8Array> | string,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const now = options.now ?? (() => performance.now() / 1000);
  const started = now();
  const seed = options.seed ?? DEFAULT_SEED;
  const folds = options.folds ?? DEFAULT_FOLDS;
  const models = chooseModels(options.models);
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new TrainInputError(`workers must be an integer ≥ 1, got ${workers}`, { workers });
  }
  const search = options.search ?? 'grid';
  const earlyStop = options.earlyStop ?? (search === 'random' ? 'median' : 'none');
  const plans = models.map((model) => {
    const grid = gridFor(model, options.grids);
    return { model, configs: searchConfigurations(grid, { search, trials: options.trials, seed }) };
  });

  const prepared = await prepareCsv(source, { ...options, seed, folds });
  options.onProgress?.({
    kind: 'prepared',
    rows: prepared.summary.rows,
    features: prepared.featureNames.length,
    classes: prepared.classes.length,
  });

  const cvFolds = searchFolds(prepared.train, { folds, seed, shuffle: true });
  const pool = workers > 1 ? createCellPool(prepared.train, cvFolds, { workers }) : undefined;
  const runner: CellRunner = pool ?? inProcessRunner(prepared.train, cvFolds);
  const leaderboard: LeaderboardEntry[] = [];
  // Only the current best fitted model is kept alive: its test predictions and importances are needed at
  // the end, and SVC holds wasm memory that must be freed as soon as a model is out of the running.
  let best: { entry: LeaderboardEntry; model: Classifier; predicted: Int32Array } | undefined;
  try {
    for (const { model, configs } of plans) {
      const t0 = now();
      options.onProgress?.({ kind: 'model-started', model, configurations: configs.length });
      const searched = await searchCells(configs, runner, {
        model,
        nFolds: cvFolds.length,
        seed,
        earlyStop,
        minFolds: options.minFolds,
      });
      const chosen = chooseConfiguration(searched.results);
      const fitted = createModel(model, chosen.params, seed);
      fitted.fit(prepared.train);
      const predicted = fitted.predict(prepared.test);
      const entry: LeaderboardEntry = {
        model,
        params: chosen.params,
        cvAccuracy: chosen.cvAccuracy,
        cvStd: chosen.cvStd,
        testAccuracy: accuracy(prepared.test.y, predicted),
        fitSeconds: now() - t0,
        configurations: chosen.configurations,
        results: searched.results,
      };
      leaderboard.push(entry);
      options.onProgress?.({ kind: 'model-done', entry });
      // Models arrive in paper order, so a strictly higher score is needed to displace an earlier one.
      if (!best || entry.testAccuracy > best.entry.testAccuracy) {
        best?.model.dispose();
        best = { entry, model: fitted, predicted };
      } else {
        fitted.dispose();
      }
    }
  } catch (error) {
    best?.model.dispose();
    throw error;
  } finally {
    // Ending the threads here lets the process exit as soon as the pipeline is done.
    await pool?.destroy();
  }
  if (!best) throw new TrainInputError('no model to train');
  let described: BestModel;
  try {
    described = describeBest(best.entry, prepared, best.model, best.predicted, seed);
  } finally {
    best.model.dispose();
  }

  return {
    data: {
      target: prepared.target,
      classes: prepared.classes,
      featureNames: prepared.featureNames,
      summary: prepared.summary,
      trainRows: prepared.train.nRows,
      testRows: prepared.test.nRows,
    },
    leaderboard,
    best: described,
    preprocessor: prepared.preprocessor.toJSON(),
    seconds: now() - started,
  };
}

function chooseModels(requested: readonly string[] | undefined): ModelName[] {
  const available = availableModels();
  if (!requested || requested.length === 0) return MODEL_NAMES.filter((m) => available.includes(m));
  const chosen = new Set<ModelName>();
  for (const name of requested) {
    const match = available.find((m) => m.toLowerCase() === name.trim().toLowerCase());
    if (!match) {
      throw new TrainInputError(`unknown model "${name}" (available: ${available.join(', ')})`);
    }
    chosen.add(match);
  }
  // Paper order, whatever order they were asked in, so ties and reports read the same every time.
  return MODEL_NAMES.filter((m) => chosen.has(m));
}

function gridFor(
  model: ModelName,
  overrides: TrainOptions['grids'],
): Readonly<Record<string, readonly unknown[]>> {
  const grid = overrides?.[model] ?? PAPER_GRIDS[model];
  // Fail before any training if a configuration is invalid, naming the model and field.
  for (const [key, values] of Object.entries(grid)) {
    for (const value of values) parseParams(model, { [key]: value });
  }
  return grid;
}

/** A problem with what the user asked for (model names, grids), as opposed to the data. */
export class TrainInputError extends MlError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
    this.name = 'TrainInputError';
  }
}
