/**
 * The Plan task: every (configuration, fold) cell of the run, in the order and with the configurations
 * trainInProcess searches, written as the manifest the Distributed Map reads. A cell that would not finish
 * inside Lambda's 15 minutes is refused before any compute is spent, or (config `oversizedCells:
 * 'subsample'`) given a row cap that makes it fit.
 */
import { MODEL_NAMES, type ModelName } from '../../ml/models/classifier.ts';
import { searchConfigurations } from '../../ml/search/cell-search.ts';
import { paramsKey } from '../../ml/search/grid.ts';
import { PAPER_GRIDS } from '../../ml/search/paper-grids.ts';
import { CellTooLargeError } from '../errors.ts';
import { type CellShape, cellBudgetSeconds, estimateCellSeconds, maxTrainRowsWithin } from './cell-cost.ts';
import type { PipelineDeps } from './deps.ts';
import { cellResultsPrefix, cellsManifestKey } from './keys.ts';
import type { CvCell, PlanOutput, PrepOutput, TrainingRequest } from './messages.ts';
import { type RunConfig, resolveRunConfig } from './run-config.ts';

export interface PreparedRunState {
  readonly runId: string;
  readonly request: TrainingRequest;
  readonly prep: PrepOutput;
}

type PlanDeps = Pick<PipelineDeps, 'artifacts' | 'experiments' | 'clock' | 'bucket'>;

export async function planRun(deps: PlanDeps, state: PreparedRunState): Promise<PlanOutput> {
  const started = deps.clock.now();
  const run = await deps.experiments.updateRun(
    state.runId,
    { stage: 'plan', updatedAt: started.toISOString() },
    ['RUNNING'],
  );
  // Prep stored the resolved config; resolving it again validates what crossed the state machine.
  const config = resolveRunConfig(state.prep.config);
  const { cells, configurations, subsampled } = expandCells(config, shapesOf(state.prep, config.folds));

  const manifest = { bucket: deps.bucket, key: cellsManifestKey(state.runId) };
  await deps.artifacts.writeJson(manifest, cells);
  const finished = deps.clock.now();
  await deps.experiments.updateRun(
    state.runId,
    {
      cellsTotal: cells.length,
      stage: 'cells',
      timings: { ...run.timings, plan: finished.getTime() - started.getTime() },
      updatedAt: finished.toISOString(),
    },
    ['RUNNING'],
  );
  return {
    manifest,
    results: { bucket: deps.bucket, prefix: cellResultsPrefix(state.runId) },
    cells: cells.length,
    configurations,
    subsampled,
  };
}

interface PlanShapes {
  /** A CV cell: one fold's training rows, scored on its validation rows. */
  readonly cv: CellShape;
  /** A refit: the whole training split, scored on the test split. */
  readonly refit: CellShape;
}

/** Stratified k-fold gives every fold ⌊n/k⌋ or ⌈n/k⌉ validation rows; the bigger training side is costed. */
function shapesOf(prep: PrepOutput, folds: number): PlanShapes {
  const common = { nFeatures: prep.features, nClasses: prep.classes.length };
  const datasetRows = prep.trainRows + prep.testRows;
  return {
    cv: {
      ...common,
      datasetRows,
      trainRows: prep.trainRows - Math.floor(prep.trainRows / folds),
      scoredRows: Math.ceil(prep.trainRows / folds),
    },
    refit: { ...common, datasetRows, trainRows: prep.trainRows, scoredRows: prep.testRows },
  };
}

/** The run's models in the paper's order, as trainInProcess takes them (the order breaks ties). */
function modelsInOrder(config: RunConfig): ModelName[] {
  return MODEL_NAMES.filter((model) => config.models.includes(model));
}

export function expandCells(
  config: RunConfig,
  shapes: PlanShapes,
): { cells: CvCell[]; configurations: number; subsampled: PlanOutput['subsampled'] } {
  const budget = cellBudgetSeconds();
  const cells: CvCell[] = [];
  const subsampled: PlanOutput['subsampled'] = [];
  let configurations = 0;
  for (const model of modelsInOrder(config)) {
    const grid = config.grids[model] ?? PAPER_GRIDS[model];
    const configs = searchConfigurations(grid, {
      search: config.search,
      trials: config.trials,
      seed: config.seed,
    });
    configs.forEach((params, configIndex) => {
      const key = paramsKey(params);
      const cvSeconds = estimateCellSeconds(model, params, shapes.cv);
      let maxTrainRows: number | undefined;
      if (config.oversizedCells === 'refuse') {
        refuseIfOversized(model, key, 'cross-validation cell', cvSeconds, budget);
        // Any configuration may win and be refitted on the whole training split: that must fit too.
        refuseIfOversized(model, key, 'refit', estimateCellSeconds(model, params, shapes.refit), budget);
      } else if (cvSeconds > budget) {
        maxTrainRows = maxTrainRowsWithin(model, params, shapes.cv, budget);
        // Loading the dataset alone is over budget: no sample of the training rows helps.
        if (maxTrainRows === 0) {
          refuseIfOversized(model, key, 'cross-validation cell', cvSeconds, budget, SUBSAMPLE_HINT);
        }
        subsampled.push({ model, paramsKey: key, estimatedSeconds: round(cvSeconds), maxTrainRows });
      }
      for (let fold = 0; fold < config.folds; fold++) {
        cells.push({
          kind: 'cv',
          model,
          params,
          paramsKey: key,
          configIndex,
          fold,
          seed: config.seed,
          ...(maxTrainRows === undefined ? {} : { maxTrainRows }),
        });
      }
    });
    configurations += configs.length;
  }
  return { cells, configurations, subsampled };
}

const REFUSE_HINT =
  'set "oversizedCells": "subsample" in _config.json to train it on a row sample, or shrink the grid';
const SUBSAMPLE_HINT = 'even one training row is over budget: shrink the grid or the data';

function refuseIfOversized(
  model: ModelName,
  key: string,
  what: string,
  seconds: number,
  budget: number,
  hint = REFUSE_HINT,
): void {
  if (seconds <= budget) return;
  throw new CellTooLargeError(
    `${model} ${key}: a ${what} is estimated at ${round(seconds)} s, over the ${budget} s allowed per Lambda cell (${hint})`,
    { model, paramsKey: key, cell: what, estimatedSeconds: round(seconds), budgetSeconds: budget },
  );
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
