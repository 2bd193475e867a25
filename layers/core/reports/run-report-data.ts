/**
 * Everything a run's report shows, assembled from what the run recorded (its record, leaderboard.json,
 * evaluation.json, its cells, its baseline, its registered version) and the stack's function memory
 * sizes. Pure: reading those is read-report-inputs.ts, drawing them is render-run-report.ts.
 */

import type { ClassificationReport } from '../../ml/metrics/classification-report.ts';
import type { ModelName } from '../../ml/models/classifier.ts';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';
import { summarizeScores } from '../../ml/search/cross-validate.ts';
import type { EvaluationDocument } from '../pipeline/evaluate-run.ts';
import type {
  CellRecord,
  ModelVersionRecord,
  RunError,
  RunRecord,
  RunStatus,
  RunTrigger,
} from '../pipeline/records.ts';
import type { RunConfig } from '../pipeline/run-config.ts';
import type { FeatureImportance, LeaderboardEntry } from '../training/best-model.ts';
import type { CostEstimate, FunctionMemory } from './cost-estimate.ts';
import { estimateRunCost, STAGE_FUNCTIONS } from './cost-estimate.ts';
import type { DataQuality } from './data-quality.ts';
import { assessDataQuality } from './data-quality.ts';

/** What the report is built from (read-report-inputs.ts reads it; tests may build it by hand). */
export interface RunReportInputs {
  readonly run: RunRecord;
  /** leaderboard.json; undefined when the run did not get that far. */
  readonly leaderboard: readonly LeaderboardEntry[] | undefined;
  readonly evaluation: EvaluationDocument | undefined;
  readonly cells: readonly CellRecord[];
  /** The parsed runs/<runId>/statistics.json, when the run has one. */
  readonly statistics: unknown;
  /** The version the run registered, for its lineage. */
  readonly version: ModelVersionRecord | undefined;
  readonly memoryMb: FunctionMemory;
  /** ISO time the report is made. */
  readonly generatedAt: string;
}

export interface LeaderboardRow extends Omit<LeaderboardEntry, 'results'> {
  readonly rank: number;
  readonly best: boolean;
}

export interface BestModelSection {
  readonly model: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly testAccuracy: number;
  readonly classes: readonly string[];
  readonly confusionMatrix: readonly (readonly number[])[];
  readonly report: ClassificationReport;
  /** Largest first. */
  readonly importances: readonly FeatureImportance[];
  readonly importanceKind: 'native' | 'permutation';
}

export interface FoldResult {
  readonly fold: number;
  /** Validation accuracy; null when the cell was stopped or failed. */
  readonly score: number | null;
  readonly fitMs: number;
  readonly status: CellRecord['status'];
}

export interface ConfigurationSpread {
  readonly model: ModelName;
  readonly paramsKey: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly configIndex: number;
  /** In fold order. */
  readonly folds: readonly FoldResult[];
  /** Over the scored folds (NaN when none). */
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Some fold has no score (stopped early or failed): never chosen. */
  readonly stopped: boolean;
  /** The configuration the model was refitted with. */
  readonly chosen: boolean;
}

export interface ModelSpread {
  readonly model: ModelName;
  /** In configuration order. */
  readonly configurations: readonly ConfigurationSpread[];
}

export interface StageTiming {
  readonly stage: string;
  readonly ms: number;
}

export interface ModelTiming {
  readonly model: ModelName;
  readonly cells: number;
  readonly cellMs: number;
  readonly medianCellMs: number;
  readonly maxCellMs: number;
  /** The refit's fit time (its leaderboard seconds less its cells'). */
  readonly refitMs: number | undefined;
}

export interface Lineage {
  readonly datasetUri?: string;
  readonly datasetDigest?: string;
  readonly modelVersion?: number;
  readonly codeVersion?: string;
  readonly trigger: RunTrigger;
  readonly reason?: string;
  readonly promoted?: boolean;
  readonly executionArn?: string;
  readonly artifactSha256?: string;
}

export interface DatasetSummary {
  readonly uri?: string;
  readonly digest?: string;
  readonly rows?: number;
  readonly columns?: number;
  readonly target?: string;
  readonly classes: readonly string[];
  readonly features: readonly string[];
  readonly testRows?: number;
}

export interface RunReportData {
  readonly runId: string;
  readonly modelName: string;
  readonly status: RunStatus;
  readonly generatedAt: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly error?: RunError;
  readonly config?: RunConfig;
  readonly leaderboard: readonly LeaderboardRow[];
  readonly best: BestModelSection | undefined;
  readonly cvSpread: readonly ModelSpread[];
  readonly stageTimings: readonly StageTiming[];
  readonly modelTimings: readonly ModelTiming[];
  /** Every cell, slowest first. */
  readonly cells: readonly CellRecord[];
  readonly cost: CostEstimate;
  readonly dataset: DatasetSummary;
  readonly dataQuality: DataQuality;
  readonly lineage: Lineage;
}

/** Params compared by content, whatever order their keys were written in. */
function canonical(params: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

function leaderboardRows(
  entries: readonly LeaderboardEntry[],
  bestModel: string | undefined,
): LeaderboardRow[] {
  const order = [...entries].sort(
    (a, b) => b.testAccuracy - a.testAccuracy || MODEL_NAMES.indexOf(a.model) - MODEL_NAMES.indexOf(b.model),
  );
  return entries.map(({ results: _results, ...entry }) => ({
    ...entry,
    rank: order.findIndex((e) => e.model === entry.model) + 1,
    best: entry.model === bestModel,
  }));
}

function cvSpread(cells: readonly CellRecord[], leaderboard: readonly LeaderboardEntry[]): ModelSpread[] {
  const chosenOf = new Map(leaderboard.map((e) => [e.model, canonical(e.params)]));
  const byConfig = new Map<string, CellRecord[]>();
  for (const cell of cells) {
    const key = `${cell.model}#${cell.configIndex}`;
    byConfig.set(key, [...(byConfig.get(key) ?? []), cell]);
  }
  const byModel = new Map<ModelName, ConfigurationSpread[]>();
  for (const group of byConfig.values()) {
    const first = group[0];
    const folds = [...group]
      .sort((a, b) => a.fold - b.fold)
      .map((c) => ({
        fold: c.fold,
        score: c.status === 'done' ? c.score : null,
        fitMs: c.fitMs,
        status: c.status,
      }));
    const scores = folds.flatMap((f) => (f.score === null ? [] : [f.score]));
    const { mean, std } = scores.length > 0 ? summarizeScores(scores) : { mean: Number.NaN, std: Number.NaN };
    const stopped = scores.length < folds.length;
    const spread: ConfigurationSpread = {
      model: first.model,
      paramsKey: first.paramsKey,
      params: first.params,
      configIndex: first.configIndex,
      folds,
      mean,
      std,
      min: scores.length > 0 ? Math.min(...scores) : Number.NaN,
      max: scores.length > 0 ? Math.max(...scores) : Number.NaN,
      stopped,
      chosen: !stopped && chosenOf.get(first.model) === canonical(first.params),
    };
    byModel.set(first.model, [...(byModel.get(first.model) ?? []), spread]);
  }
  return MODEL_NAMES.flatMap((model) => {
    const configurations = byModel.get(model);
    if (!configurations) return [];
    configurations.sort((a, b) => a.configIndex - b.configIndex);
    return [{ model, configurations }];
  });
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A refit's own time: its leaderboard seconds less its cells' (evaluate-run.ts adds them up that way).
 * Undefined when the model has no leaderboard entry.
 */
function refitMsOf(entry: LeaderboardEntry | undefined, cellMs: number): number | undefined {
  if (!entry) return undefined;
  return Math.max(0, entry.fitSeconds * 1000 - cellMs);
}

function modelTimings(cells: readonly CellRecord[], leaderboard: readonly LeaderboardEntry[]): ModelTiming[] {
  const models = MODEL_NAMES.filter(
    (m) => cells.some((c) => c.model === m) || leaderboard.some((e) => e.model === m),
  );
  return models.map((model) => {
    const times = cells.filter((c) => c.model === model).map((c) => c.fitMs);
    const cellMs = times.reduce((sum, t) => sum + t, 0);
    return {
      model,
      cells: times.length,
      cellMs,
      medianCellMs: median(times),
      maxCellMs: times.length > 0 ? Math.max(...times) : Number.NaN,
      refitMs: refitMsOf(
        leaderboard.find((e) => e.model === model),
        cellMs,
      ),
    };
  });
}

function bestSection(evaluation: EvaluationDocument): BestModelSection {
  const { best } = evaluation;
  return {
    model: best.model,
    params: best.params,
    testAccuracy: best.testAccuracy,
    classes: evaluation.classes.map(String),
    confusionMatrix: best.confusionMatrix,
    report: best.report,
    importances: [...best.featureImportances].sort((a, b) => b.importance - a.importance),
    importanceKind: best.importanceKind,
  };
}

/** Stages in pipeline order, then any other the run recorded. */
const STAGE_ORDER = ['prep', 'plan', 'select', 'evaluate', 'register', 'promote'];

function stageTimings(timings: Readonly<Record<string, number>> | undefined): StageTiming[] {
  const entries = Object.entries(timings ?? {});
  const rank = (stage: string): number => {
    const i = STAGE_ORDER.indexOf(stage);
    return i < 0 ? STAGE_ORDER.length : i;
  };
  return entries
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([stage, ms]) => ({ stage, ms }));
}

export function buildRunReportData(inputs: RunReportInputs): RunReportData {
  const { run, evaluation, cells, version } = inputs;
  const leaderboard = inputs.leaderboard ?? evaluation?.leaderboard ?? [];
  const best = evaluation ? bestSection(evaluation) : undefined;
  const timings = modelTimings(cells, leaderboard);
  const refitMs = timings.flatMap((t) => (t.refitMs === undefined ? [] : [t.refitMs]));
  const stageMs = Object.fromEntries(
    Object.entries(run.timings ?? {}).filter(([stage]) => stage in STAGE_FUNCTIONS),
  );
  const cost = estimateRunCost({
    memoryMb: inputs.memoryMb,
    cellFitMs: cells.map((c) => c.fitMs),
    refitMs,
    stageMs,
    promoteRan: run.timings?.promote !== undefined,
  });
  const supports = best?.report.classes.map((c) => ({ label: c.label, support: c.support })) ?? [];
  const testRows = best ? best.confusionMatrix.flat().reduce((sum, n) => sum + n, 0) : undefined;
  return {
    runId: run.runId,
    modelName: run.modelName,
    status: run.status,
    generatedAt: inputs.generatedAt,
    createdAt: run.createdAt,
    ...(run.startedAt === undefined ? {} : { startedAt: run.startedAt }),
    ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
    ...(run.error === undefined ? {} : { error: run.error }),
    ...(run.config === undefined ? {} : { config: run.config }),
    leaderboard: leaderboardRows(leaderboard, best?.model ?? run.result?.bestModel),
    best,
    cvSpread: cvSpread(cells, leaderboard),
    stageTimings: stageTimings(run.timings),
    modelTimings: timings,
    cells: [...cells].sort((a, b) => b.fitMs - a.fitMs || a.cellId.localeCompare(b.cellId)),
    cost,
    dataset: {
      ...(run.dataset === undefined
        ? {}
        : {
            uri: run.dataset.uri,
            digest: run.dataset.digest,
            rows: run.dataset.rows,
            columns: run.dataset.columns,
          }),
      ...(evaluation === undefined ? {} : { target: evaluation.target }),
      classes: evaluation?.classes.map(String) ?? version?.signature.classes.map(String) ?? [],
      features: evaluation?.featureNames ?? [],
      ...(testRows === undefined ? {} : { testRows }),
    },
    dataQuality: assessDataQuality(inputs.statistics, supports),
    lineage: {
      ...(run.dataset === undefined
        ? {}
        : { datasetUri: run.dataset.uri, datasetDigest: run.dataset.digest }),
      ...(run.result === undefined
        ? {}
        : { modelVersion: run.result.modelVersion, promoted: run.result.promoted }),
      ...(version === undefined
        ? {}
        : {
            modelVersion: version.version,
            codeVersion: version.lineage.codeVersion,
            artifactSha256: version.artifact.sha256,
            ...(version.lineage.reason === undefined ? {} : { reason: version.lineage.reason }),
          }),
      trigger: run.trigger,
      ...(run.executionArn === undefined ? {} : { executionArn: run.executionArn }),
    },
  };
}
