/**
 * The Evaluate task: the refits (each model's best configuration, fitted on the whole training split and
 * scored on the test split) → the leaderboard, the best model with its confusion matrix, report and
 * feature importances, and the model document to register. The same choice and the same numbers as the
 * in-process pipeline for the same data, config and seed (training/best-model.ts is shared).
 */
import { z } from 'zod';
import { decodeDataset } from '../../ml/data/dataset-binary.ts';
import { parsePreprocessorJSON } from '../../ml/data/preprocessor-json.ts';
import { accuracy } from '../../ml/metrics/accuracy.ts';
import type { Classifier, ModelJSON } from '../../ml/models/classifier.ts';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';
import { loadModel } from '../../ml/models/registry.ts';
import { SynergyError } from '../errors.ts';
import type { ObjectRef } from '../ports.ts';
import type { BestModel, LeaderboardEntry } from '../training/best-model.ts';
import { describeBest, pickBest } from '../training/best-model.ts';
import type { PipelineDeps } from './deps.ts';
import { evaluationKey, leaderboardKey, runModelDocumentKey } from './keys.ts';
import type { EvaluationOutput, RefitOutput, runStateAfterRefitsSchema } from './messages.ts';
import { buildModelDocument, modelJsonSchema, sha256Hex } from './model-document.ts';
import type { CellRecord } from './records.ts';
import { enterStage } from './stage-progress.ts';

/** The refits do not add up: a model refitted twice, or an artifact that does not score what it claims. */
export class RefitMismatchError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'RefitMismatchError';
  }
}

export type StateAfterRefits = z.infer<typeof runStateAfterRefitsSchema>;
type EvaluateDeps = Pick<PipelineDeps, 'artifacts' | 'experiments' | 'clock' | 'bucket'>;

/** What evaluation.json holds: the best model described, and the leaderboard it was picked from. */
export interface EvaluationDocument {
  readonly best: Omit<BestModel, 'artifact'>;
  readonly target: string;
  readonly classes: readonly (string | number)[];
  readonly featureNames: readonly string[];
  readonly leaderboard: readonly LeaderboardEntry[];
}

const configSeed = z.object({ seed: z.int() });

export async function evaluateRun(
  deps: EvaluateDeps,
  state: StateAfterRefits,
  signal?: AbortSignal,
): Promise<EvaluationOutput> {
  const stage = await enterStage(deps, state.runId, 'evaluate');
  const { seed } = configSeed.parse(state.prep.config);
  const refits = inPaperOrder(state.refits);
  const cells = await deps.experiments.listCells(state.runId);
  const leaderboard = refits.map((refit) => leaderboardEntry(refit, cells));
  const best = pickBest(leaderboard);
  const bestRefit = refits[leaderboard.indexOf(best)];

  const dataset = decodeDataset(await deps.artifacts.readBytes(state.prep.dataset, signal));
  const classifier = loadModel(readModelJson(await deps.artifacts.readJson(bestRefit.artifact, signal)));
  let described: BestModel;
  try {
    described = describeRefit(best, classifier, dataset, seed);
  } finally {
    classifier.dispose();
  }
  const preprocessor = parsePreprocessorJSON(await deps.artifacts.readJson(state.prep.preprocessor, signal));
  const documentBytes = buildModelDocument({
    algorithm: best.model,
    params: best.params,
    preprocessor,
    model: described.artifact,
    metrics: { testAccuracy: best.testAccuracy, cvAccuracy: best.cvAccuracy, cvStd: best.cvStd },
    runId: state.runId,
  });

  const at = (key: string): ObjectRef => ({ bucket: deps.bucket, key });
  const leaderboardRef = at(leaderboardKey(state.runId));
  const evaluationRef = at(evaluationKey(state.runId));
  const documentRef = at(runModelDocumentKey(state.runId));
  const { artifact: _artifact, ...bestDescribed } = described;
  const evaluation: EvaluationDocument = {
    best: bestDescribed,
    target: dataset.target,
    classes: dataset.classes,
    featureNames: dataset.featureNames,
    leaderboard,
  };
  await deps.artifacts.writeJson(leaderboardRef, leaderboard);
  await deps.artifacts.writeJson(evaluationRef, evaluation);
  await deps.artifacts.write(documentRef, documentBytes, { contentType: 'application/json' });
  await stage.finish();
  return {
    bestModel: best.model,
    testAccuracy: best.testAccuracy,
    modelDocument: documentRef,
    sha256: sha256Hex(documentBytes),
    leaderboard: leaderboardRef,
    evaluation: evaluationRef,
  };
}

/** Paper order decides ties between models, whatever order the Map returned the refits in. */
function inPaperOrder(refits: readonly RefitOutput[]): RefitOutput[] {
  const seen = new Set<string>();
  for (const refit of refits) {
    if (seen.has(refit.model)) {
      throw new RefitMismatchError(`${refit.model} was refitted more than once`, { model: refit.model });
    }
    seen.add(refit.model);
  }
  return [...refits].sort((a, b) => MODEL_NAMES.indexOf(a.model) - MODEL_NAMES.indexOf(b.model));
}

/** The model's fit time is its whole search (every cell) plus the refit, as the in-process wall time is. */
function leaderboardEntry(refit: RefitOutput, cells: readonly CellRecord[]): LeaderboardEntry {
  let cellMs = 0;
  for (const cell of cells) if (cell.model === refit.model) cellMs += cell.fitMs;
  return {
    model: refit.model,
    params: refit.params,
    cvAccuracy: refit.cvAccuracy,
    cvStd: refit.cvStd,
    testAccuracy: refit.testAccuracy,
    fitSeconds: cellMs / 1000 + refit.fitSeconds,
    configurations: refit.configurations,
  };
}

function readModelJson(json: unknown): ModelJSON {
  const parsed = modelJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new RefitMismatchError(`refit artifact is not a model JSON: ${parsed.error.issues[0].message}`, {
      path: parsed.error.issues[0].path.map(String).join('.'),
    });
  }
  return parsed.data;
}

/**
 * The stored refit must predict the test split as its Train task measured; anything else means the
 * artifact is not the model that was scored, and registering it would be a lie.
 */
function describeRefit(
  entry: LeaderboardEntry,
  classifier: Classifier,
  dataset: ReturnType<typeof decodeDataset>,
  seed: number,
): BestModel {
  const predicted = classifier.predict(dataset.test);
  const measured = accuracy(dataset.test.y, predicted);
  if (measured !== entry.testAccuracy) {
    throw new RefitMismatchError(
      `${entry.model} refit artifact scores ${measured} on the test split, but its refit reported ${entry.testAccuracy}`,
      { model: entry.model, measured, reported: entry.testAccuracy },
    );
  }
  return describeBest(entry, dataset, classifier, predicted, seed);
}
