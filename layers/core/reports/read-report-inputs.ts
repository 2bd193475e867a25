/**
 * Reads what a run's report is built from: its record, leaderboard.json, evaluation.json, its cells, its
 * training baseline (statistics.json) and its registered version. The JSON documents are validated at
 * this edge; an object that does not exist yet (a run that failed before Evaluate) is simply absent.
 */
import { z } from 'zod';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';
import { NotFoundError, SynergyError } from '../errors.ts';
import { runStatisticsKey } from '../monitoring/monitoring-keys.ts';
import type { EvaluationDocument } from '../pipeline/evaluate-run.ts';
import { evaluationKey, leaderboardKey, refOfUri } from '../pipeline/keys.ts';
import type { ArtifactStore, Clock, Experiments, ObjectRef, Registry } from '../ports.ts';
import type { LeaderboardEntry } from '../training/best-model.ts';
import type { FunctionMemory } from './cost-estimate.ts';
import type { RunReportInputs } from './run-report-data.ts';

export interface ReportReadDeps {
  readonly artifacts: ArtifactStore;
  readonly experiments: Experiments;
  readonly registry: Pick<Registry, 'getVersion'>;
  readonly clock: Clock;
  readonly bucket: string;
  readonly memoryMb: FunctionMemory;
}

/** A run output that is not what the pipeline writes; the message names the object and the field. */
export class ReportInputError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ReportInputError';
  }
}

/** JSON has no NaN: the pipeline's NaN (a std of one fold, an undefined score) arrives as null. */
const num = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);
const params = z.record(z.string(), z.unknown());
const leaderboardEntrySchema = z.object({
  model: z.enum(MODEL_NAMES),
  params,
  cvAccuracy: num,
  cvStd: num,
  testAccuracy: num,
  fitSeconds: num,
  configurations: z.int().min(0),
});
const scoresSchema = z.object({ precision: num, recall: num, f1: num, support: z.number().min(0) });
const evaluationSchema = z.object({
  best: z.object({
    model: z.enum(MODEL_NAMES),
    params,
    testAccuracy: num,
    confusionMatrix: z.array(z.array(z.number().min(0))),
    report: z.object({
      classes: z.array(scoresSchema.extend({ label: z.string() })),
      accuracy: num,
      everyClassSeen: z.boolean(),
      macroAvg: scoresSchema,
      weightedAvg: scoresSchema,
    }),
    featureImportances: z.array(z.object({ feature: z.string(), importance: num })),
    importanceKind: z.enum(['native', 'permutation']),
  }),
  target: z.string(),
  classes: z.array(z.union([z.string(), z.number()])),
  featureNames: z.array(z.string()),
  leaderboard: z.array(leaderboardEntrySchema),
});

async function readOptionalJson(
  artifacts: ArtifactStore,
  ref: ObjectRef,
  signal?: AbortSignal,
): Promise<unknown | undefined> {
  try {
    return await artifacts.readJson(ref, signal);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

function validated<T>(schema: z.ZodType<T>, json: unknown, ref: ObjectRef): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || '(document)';
  throw new ReportInputError(`s3://${ref.bucket}/${ref.key}: ${field}: ${issue?.message}`, {
    key: ref.key,
    field,
  });
}

/** The inputs of `runId`'s report; NotFoundError when there is no such run. */
export async function readRunReportInputs(
  deps: ReportReadDeps,
  runId: string,
  signal?: AbortSignal,
): Promise<RunReportInputs> {
  const run = await deps.experiments.getRun(runId);
  if (!run) throw new NotFoundError(`no run ${runId}`, { runId });
  const at = (key: string): ObjectRef => ({ bucket: deps.bucket, key });
  const leaderboardRef = run.result ? refOfUri(run.result.leaderboardUri) : at(leaderboardKey(runId));
  const evaluationRef = run.result ? refOfUri(run.result.evaluationUri) : at(evaluationKey(runId));
  const statisticsRef = at(runStatisticsKey(runId));
  const [leaderboardJson, evaluationJson, statistics, cells, version] = await Promise.all([
    readOptionalJson(deps.artifacts, leaderboardRef, signal),
    readOptionalJson(deps.artifacts, evaluationRef, signal),
    readOptionalJson(deps.artifacts, statisticsRef, signal),
    deps.experiments.listCells(runId),
    run.result
      ? deps.registry.getVersion(run.modelName, run.result.modelVersion)
      : Promise.resolve(undefined),
  ]);
  const leaderboard: LeaderboardEntry[] | undefined =
    leaderboardJson === undefined
      ? undefined
      : validated(z.array(leaderboardEntrySchema), leaderboardJson, leaderboardRef);
  const evaluation: EvaluationDocument | undefined =
    evaluationJson === undefined ? undefined : validated(evaluationSchema, evaluationJson, evaluationRef);
  return {
    run,
    leaderboard,
    evaluation,
    cells,
    statistics,
    version,
    memoryMb: deps.memoryMb,
    generatedAt: deps.clock.now().toISOString(),
  };
}
