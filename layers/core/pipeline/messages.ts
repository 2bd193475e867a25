/**
 * The payloads that cross the Step Functions state machine (state-machines/training.asl.yml): what each
 * task receives and returns. Handlers parse their event with these schemas once, at the edge. Payloads
 * carry S3 locations and small summaries, never data (the 256 KiB state limit).
 */
import { z } from 'zod';
import { MODEL_NAMES } from '../../ml/models/classifier.ts';

export const objectRefSchema = z.object({ bucket: z.string().min(1), key: z.string().min(1) });

export const runTriggerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('upload'),
    bucket: z.string().min(1),
    key: z.string().min(1),
    etag: z.string().min(1),
    versionId: z.string().min(1).optional(),
  }),
  z.object({ kind: z.enum(['drift', 'accuracy', 'schedule', 'manual']) }),
]);

/** The execution input startRun gives StartExecution (issue #6 adds alarm/schedule inputs). */
export const trainingRequestSchema = z.object({
  modelName: z.string().min(1),
  trigger: runTriggerSchema,
  /** Free text kept in the lineage (`drift`, `accuracy`, `schedule`, an operator's words). */
  reason: z.string().optional(),
});
export type TrainingRequest = z.infer<typeof trainingRequestSchema>;

/** The state after the Start pass: `runId` is the execution name. */
export const runStateSchema = z.object({ runId: z.string().min(1), request: trainingRequestSchema });

const modelName = z.enum(MODEL_NAMES);
const params = z.record(z.string(), z.unknown());

/** Prep's output, at `$.prep`. */
export const prepOutputSchema = z.object({
  /** The prepared dataset (binary: layers/ml/data/dataset-binary.ts). */
  dataset: objectRefSchema,
  preprocessor: objectRefSchema,
  /** Raw holdout records (JSON lines) so a champion with another preprocessor can be re-scored. */
  holdout: objectRefSchema,
  source: z.object({ uri: z.string(), digest: z.string(), rows: z.int(), columns: z.int() }),
  target: z.string(),
  classes: z.array(z.union([z.string(), z.number()])),
  features: z.int(),
  trainRows: z.int(),
  testRows: z.int(),
  /** The resolved RunConfig (run-config.ts). */
  config: z.record(z.string(), z.unknown()),
});
export type PrepOutput = z.infer<typeof prepOutputSchema>;

/** One CV cell: a manifest item (Plan writes the manifest as a JSON array of these). */
export const cvCellSchema = z.object({
  kind: z.literal('cv'),
  model: modelName,
  params,
  paramsKey: z.string(),
  configIndex: z.int().min(0),
  fold: z.int().min(0),
  seed: z.int(),
  /** Set when Plan subsampled the cell's training rows to fit the Lambda limit. */
  maxTrainRows: z.int().min(1).optional(),
});
export type CvCell = z.infer<typeof cvCellSchema>;

/** One refit: the best configuration of a model, refitted on the whole training split. */
export const refitCellSchema = z.object({
  kind: z.literal('refit'),
  model: modelName,
  params,
  paramsKey: z.string(),
  cvAccuracy: z.number(),
  cvStd: z.number(),
  configurations: z.int(),
  seed: z.int(),
});
export type RefitCell = z.infer<typeof refitCellSchema>;

/** Plan's output, at `$.plan`. */
export const planOutputSchema = z.object({
  manifest: objectRefSchema,
  /** Where the Distributed Map's ResultWriter puts its results. */
  results: z.object({ bucket: z.string(), prefix: z.string() }),
  cells: z.int().min(1),
  configurations: z.int().min(1),
  /** Cells whose rows were subsampled to fit the Lambda limit, with the estimate that made it so. */
  subsampled: z.array(
    z.object({
      model: modelName,
      paramsKey: z.string(),
      estimatedSeconds: z.number(),
      maxTrainRows: z.int(),
    }),
  ),
});
export type PlanOutput = z.infer<typeof planOutputSchema>;

/** The train function's event: one cell of the Distributed Map, or one refit of the inline Map. */
export const trainEventSchema = z.object({
  runId: z.string().min(1),
  dataset: objectRefSchema,
  cell: z.discriminatedUnion('kind', [cvCellSchema, refitCellSchema]),
});
export type TrainEvent = z.infer<typeof trainEventSchema>;

/** A CV cell's result (also written to the experiments table). */
export const cvCellOutputSchema = z.object({
  kind: z.literal('cv'),
  cellId: z.string(),
  score: z.number().nullable(),
  fitMs: z.number(),
});

/** A refit's result, one element of `$.refits`. */
export const refitOutputSchema = z.object({
  kind: z.literal('refit'),
  model: modelName,
  params,
  paramsKey: z.string(),
  cvAccuracy: z.number(),
  cvStd: z.number(),
  configurations: z.int(),
  testAccuracy: z.number(),
  fitSeconds: z.number(),
  /** The fitted model (ModelJSON) under runs/<runId>/refits/. */
  artifact: objectRefSchema,
});
export type RefitOutput = z.infer<typeof refitOutputSchema>;

/** selectBest's output, at `$.selection`. */
export const selectionOutputSchema = z.object({ refits: z.array(refitCellSchema).min(1) });
export type SelectionOutput = z.infer<typeof selectionOutputSchema>;

/** evaluate's output, at `$.evaluation`. */
export const evaluationOutputSchema = z.object({
  bestModel: modelName,
  testAccuracy: z.number(),
  /** The model document to register (model + preprocessor + signature + metrics), runs/<runId>/model.json. */
  modelDocument: objectRefSchema,
  sha256: z.string(),
  leaderboard: objectRefSchema,
  /** Best model's confusion matrix, report and importances, runs/<runId>/evaluation.json. */
  evaluation: objectRefSchema,
});
export type EvaluationOutput = z.infer<typeof evaluationOutputSchema>;

/** register's output, at `$.registration`; the Choice state reads `promote`. */
export const registrationOutputSchema = z.object({
  modelName: z.string(),
  version: z.int().min(1),
  artifact: objectRefSchema,
  promote: z.boolean(),
  gate: z.object({
    newAccuracy: z.number(),
    championVersion: z.int().optional(),
    championAccuracy: z.number().optional(),
    margin: z.number(),
    reason: z.string(),
  }),
});
export type RegistrationOutput = z.infer<typeof registrationOutputSchema>;

/** The whole state the later tasks receive (each reads what it needs). */
export const runStateAfterPrepSchema = runStateSchema.extend({ prep: prepOutputSchema });
export const runStateAfterPlanSchema = runStateAfterPrepSchema.extend({ plan: planOutputSchema });
export const runStateAfterRefitsSchema = runStateAfterPlanSchema.extend({
  refits: z.array(refitOutputSchema).min(1),
});
export const runStateAfterEvaluateSchema = runStateAfterRefitsSchema.extend({
  evaluation: evaluationOutputSchema,
});
export const runStateAfterRegisterSchema = runStateAfterEvaluateSchema.extend({
  registration: registrationOutputSchema,
});

/** recordFailure's event: whatever state the run was in, plus the Catch's error at `$.failure`. */
export const failureEventSchema = z.object({
  runId: z.string().min(1),
  request: trainingRequestSchema.optional(),
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
export type FailureEvent = z.infer<typeof failureEventSchema>;
