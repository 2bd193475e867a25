/**
 * The SelectBest task: every CV cell's score (the experiments table) → each model's best configuration,
 * chosen exactly as the in-process search chooses it (mean over folds, ties to the earlier configuration,
 * stopped configurations never first), as the refits to run next. Every planned cell must have a result:
 * a missing one fails the run by name rather than silently shrinking the search.
 */
import { z } from 'zod';
import type { ModelName } from '../../ml/models/classifier.ts';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';
import { rankWithStopped } from '../../ml/search/cell-search.ts';
import { summarizeScores } from '../../ml/search/cross-validate.ts';
import type { GridResult } from '../../ml/search/grid-search.ts';
import { SynergyError } from '../errors.ts';
import { chooseConfiguration } from '../training/best-model.ts';
import type { PipelineDeps } from './deps.ts';
import type { CvCell, RefitCell, runStateAfterPlanSchema, SelectionOutput } from './messages.ts';
import { cvCellSchema } from './messages.ts';
import type { CellRecord } from './records.ts';
import { enterStage } from './stage-progress.ts';

/** Planned cells without a usable result: the message names them (the first few) and says how many. */
export class IncompleteSearchError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'IncompleteSearchError';
  }
}

export type StateAfterPlan = z.infer<typeof runStateAfterPlanSchema>;
type SelectDeps = Pick<PipelineDeps, 'artifacts' | 'experiments' | 'clock'>;

const manifestSchema = z.array(cvCellSchema).min(1);

/** One configuration of one model, with its planned cells and the results found for them. */
interface PlannedConfiguration {
  readonly planned: CvCell;
  readonly cells: { readonly fold: number; readonly record: CellRecord | undefined }[];
}

const NAMED_IN_MESSAGE = 5;

export async function selectBest(
  deps: SelectDeps,
  state: StateAfterPlan,
  signal?: AbortSignal,
): Promise<SelectionOutput> {
  const stage = await enterStage(deps, state.runId, 'select');
  const manifest = manifestSchema.parse(await deps.artifacts.readJson(state.plan.manifest, signal));
  const records = await deps.experiments.listCells(state.runId);
  const byModel = planByModel(manifest, records);
  checkComplete(state.runId, [...byModel.values()].flat());
  const refits = MODEL_NAMES.flatMap((model): RefitCell[] => {
    const configurations = byModel.get(model);
    return configurations ? [refitOf(model, configurations)] : [];
  });
  await stage.finish('refits');
  return { refits };
}

function cellKey(model: string, paramsKey: string, fold: number): string {
  return `${model}#${paramsKey}#${fold}`;
}

/** Planned cells grouped by model, then configuration (ascending configIndex), then fold. */
function planByModel(
  manifest: readonly CvCell[],
  records: readonly CellRecord[],
): Map<ModelName, PlannedConfiguration[]> {
  const recordOf = new Map(records.map((r) => [cellKey(r.model, r.paramsKey, r.fold), r]));
  const configs = new Map<string, PlannedConfiguration>();
  for (const cell of manifest) {
    const id = `${cell.model}#${cell.configIndex}`;
    let config = configs.get(id);
    if (!config) {
      config = { planned: cell, cells: [] };
      configs.set(id, config);
    }
    config.cells.push({
      fold: cell.fold,
      record: recordOf.get(cellKey(cell.model, cell.paramsKey, cell.fold)),
    });
  }
  const byModel = new Map<ModelName, PlannedConfiguration[]>();
  for (const config of configs.values()) {
    config.cells.sort((a, b) => a.fold - b.fold);
    const list = byModel.get(config.planned.model) ?? [];
    list.push(config);
    byModel.set(config.planned.model, list);
  }
  for (const list of byModel.values()) list.sort((a, b) => a.planned.configIndex - b.planned.configIndex);
  return byModel;
}

function describeCell(model: string, params: Readonly<Record<string, unknown>>, fold: number): string {
  return `${model} ${JSON.stringify(params)} fold ${fold}`;
}

/** A cell without a record, a failed one, or a "done" one without a score cannot be ranked. */
function checkComplete(runId: string, configurations: readonly PlannedConfiguration[]): void {
  const problems: string[] = [];
  let planned = 0;
  for (const { planned: cell, cells } of configurations) {
    for (const { fold, record } of cells) {
      planned++;
      const where = describeCell(cell.model, cell.params, fold);
      if (!record) problems.push(`${where}: no result`);
      else if (record.status === 'failed') problems.push(`${where}: failed`);
      else if (record.status === 'done' && record.score === null) problems.push(`${where}: no score`);
    }
  }
  if (problems.length === 0) return;
  const more = problems.length > NAMED_IN_MESSAGE ? `, and ${problems.length - NAMED_IN_MESSAGE} more` : '';
  throw new IncompleteSearchError(
    `run ${runId}: ${problems.length} of ${planned} planned cells have no usable result: ${problems
      .slice(0, NAMED_IN_MESSAGE)
      .join('; ')}${more}`,
    { runId, problems: problems.slice(0, 50), count: problems.length, planned },
  );
}

/**
 * The configuration's outcome as the in-process search summarizes it: the mean and std over the folds it
 * ran, in fold order; a configuration with a stopped cell is stopped (ranked after every complete one).
 */
function resultOf({ planned, cells }: PlannedConfiguration): GridResult & { readonly stopped: boolean } {
  const foldScores: number[] = [];
  let fitMs = 0;
  let stopped = false;
  for (const { record } of cells) {
    if (record?.status === 'done' && record.score !== null) {
      foldScores.push(record.score);
      fitMs += record.fitMs;
    } else {
      stopped = true;
    }
  }
  const { mean, std } = summarizeScores(foldScores);
  return {
    params: planned.params,
    meanScore: mean,
    stdScore: std,
    foldScores,
    fitSeconds: fitMs / 1000,
    rank: 0,
    stopped,
  };
}

function refitOf(model: ModelName, configurations: readonly PlannedConfiguration[]): RefitCell {
  const partial = configurations.map(resultOf);
  const ranks = rankWithStopped(
    partial.map((p) => p.meanScore),
    partial.map((p) => p.stopped),
  );
  const chosen = chooseConfiguration(partial.map((p, i) => ({ ...p, rank: ranks[i] })));
  const { planned } = configurations[chosen.index];
  return {
    kind: 'refit',
    model,
    params: planned.params,
    paramsKey: planned.paramsKey,
    cvAccuracy: chosen.cvAccuracy,
    cvStd: chosen.cvStd,
    configurations: chosen.configurations,
    seed: planned.seed,
  };
}
