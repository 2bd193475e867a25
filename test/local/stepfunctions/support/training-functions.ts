/**
 * Stand-ins for the training Lambdas: each parses its event with the pipeline's own schemas (so the state
 * machine's paths, ItemSelector and ResultPaths are checked against the contract) and returns a
 * schema-shaped payload. Plan writes a real cells manifest to S3; selectBest reads the Distributed Map's
 * ResultWriter manifest back, as the real one must.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import {
  type CvCell,
  cvCellOutputSchema,
  evaluationOutputSchema,
  failureEventSchema,
  type PlanOutput,
  type PrepOutput,
  planOutputSchema,
  prepOutputSchema,
  type RefitCell,
  refitOutputSchema,
  registrationOutputSchema,
  runStateAfterEvaluateSchema,
  runStateAfterPlanSchema,
  runStateAfterPrepSchema,
  runStateAfterRefitsSchema,
  runStateAfterRegisterSchema,
  runStateSchema,
  selectionOutputSchema,
  trainEventSchema,
} from '../../../../layers/core/pipeline/messages.ts';
import type { FakeFunction } from './fake-invoker.ts';
import { BUCKET } from './local-aws.ts';

export const CV_CELLS: readonly CvCell[] = (['DecisionTree', 'LogisticRegression'] as const).flatMap(
  (model, configIndex) =>
    [0, 1, 2].map((fold) => ({
      kind: 'cv' as const,
      model,
      params: { depth: configIndex + 2 },
      paramsKey: `p${configIndex}`,
      configIndex,
      fold,
      seed: 7,
    })),
);

export function cellId(cell: Pick<CvCell, 'model' | 'paramsKey' | 'fold'>): string {
  return `${cell.model}#${cell.paramsKey}#${cell.fold}`;
}

/** Called with each CV cell before it is "trained": throw to make the cell fail. */
export type CellHook = (cell: CvCell) => void;

export interface TrainingFunctions {
  readonly functions: Record<string, FakeFunction>;
  /** Every event recordFailure received. */
  readonly failures: z.infer<typeof failureEventSchema>[];
}

const manifestSchema = z.object({
  DestinationBucket: z.string(),
  MapRunArn: z.string(),
  ResultFiles: z.object({
    FAILED: z.array(z.object({ Key: z.string(), Size: z.number() })),
    PENDING: z.array(z.object({ Key: z.string(), Size: z.number() })),
    SUCCEEDED: z.array(z.object({ Key: z.string(), Size: z.number() })),
  }),
});

export function trainingFunctions(
  s3: S3Client,
  hooks: { cell?: CellHook; prep?: () => void } = {},
): TrainingFunctions {
  const failures: z.infer<typeof failureEventSchema>[] = [];
  const functions: Record<string, FakeFunction> = {
    prep: (event) => {
      const { runId } = runStateSchema.parse(event);
      hooks.prep?.();
      const output: PrepOutput = {
        dataset: { bucket: BUCKET, key: `runs/${runId}/prepared.bin` },
        preprocessor: { bucket: BUCKET, key: `runs/${runId}/preprocessor.json` },
        holdout: { bucket: BUCKET, key: `runs/${runId}/holdout.jsonl` },
        source: { uri: `s3://${BUCKET}/incoming/iris/iris.csv`, digest: 'sha256:abc', rows: 150, columns: 5 },
        target: 'species',
        classes: ['setosa', 'versicolor', 'virginica'],
        features: 4,
        trainRows: 120,
        testRows: 30,
        config: {},
      };
      return prepOutputSchema.parse(output);
    },
    plan: async (event) => {
      const { runId } = runStateAfterPrepSchema.parse(event);
      const key = `runs/${runId}/cells.json`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(CV_CELLS) }));
      const output: PlanOutput = {
        manifest: { bucket: BUCKET, key },
        results: { bucket: BUCKET, prefix: `runs/${runId}/results` },
        cells: CV_CELLS.length,
        configurations: 2,
        subsampled: [],
      };
      return planOutputSchema.parse(output);
    },
    train: (event) => {
      const { cell } = trainEventSchema.parse(event);
      if (cell.kind === 'cv') {
        hooks.cell?.(cell);
        return cvCellOutputSchema.parse({
          kind: 'cv',
          cellId: cellId(cell),
          score: 0.8 + cell.configIndex / 10,
          fitMs: 3,
        });
      }
      return refitOutputSchema.parse({
        ...cell,
        testAccuracy: cell.cvAccuracy,
        fitSeconds: 0.01,
        artifact: { bucket: BUCKET, key: `runs/refits/${cell.model}.json` },
      });
    },
    selectBest: async (event) => {
      const state = runStateAfterPlanSchema
        .extend({
          cells: z.object({ ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }) }),
        })
        .parse(event);
      const manifest = manifestSchema.parse(
        await readJson(s3, state.cells.ResultWriterDetails.Bucket, state.cells.ResultWriterDetails.Key),
      );
      const results = z
        .array(z.object({ Output: z.string() }))
        .parse(await readJson(s3, manifest.DestinationBucket, manifest.ResultFiles.SUCCEEDED[0].Key));
      const scores = results.map((result) => cvCellOutputSchema.parse(JSON.parse(result.Output)));
      const refits: RefitCell[] = (['DecisionTree', 'LogisticRegression'] as const).map((model, index) => ({
        kind: 'refit',
        model,
        params: { depth: index + 2 },
        paramsKey: `p${index}`,
        cvAccuracy: Math.max(
          ...scores.filter((score) => score.cellId.startsWith(model)).map((score) => score.score ?? 0),
        ),
        cvStd: 0.01,
        configurations: 1,
        seed: 7,
      }));
      return selectionOutputSchema.parse({ refits });
    },
    evaluate: (event) => {
      const state = runStateAfterRefitsSchema.parse(event);
      const best = [...state.refits].sort((a, b) => b.testAccuracy - a.testAccuracy)[0];
      return evaluationOutputSchema.parse({
        bestModel: best.model,
        testAccuracy: best.testAccuracy,
        modelDocument: { bucket: BUCKET, key: `runs/${state.runId}/model.json` },
        sha256: 'f'.repeat(64),
        leaderboard: { bucket: BUCKET, key: `runs/${state.runId}/leaderboard.json` },
        evaluation: { bucket: BUCKET, key: `runs/${state.runId}/evaluation.json` },
      });
    },
    register: (event) => {
      const state = runStateAfterEvaluateSchema.parse(event);
      return registrationOutputSchema.parse({
        modelName: state.request.modelName,
        version: 1,
        artifact: { bucket: BUCKET, key: `models/${state.request.modelName}/1/model.json` },
        promote: true,
        gate: { newAccuracy: state.evaluation.testAccuracy, margin: 0.01, reason: 'no champion yet' },
      });
    },
    promote: (event) => {
      const state = runStateAfterRegisterSchema.parse(event);
      return { modelName: state.registration.modelName, champion: state.registration.version };
    },
    finishRun: (event) => {
      const { runId } = runStateSchema.passthrough().parse(event);
      return { runId, status: 'SUCCEEDED' };
    },
    recordFailure: (event) => {
      const failure = failureEventSchema.parse(event);
      failures.push(failure);
      return { runId: failure.runId, recorded: true, status: 'FAILED' };
    },
  };
  return { functions, failures };
}

export async function readJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString('utf-8')) ?? '');
}

export const TRAINING_INPUT = JSON.stringify({
  modelName: 'iris',
  trigger: { kind: 'manual' },
  reason: 'test',
});
