import type { FinishState } from '../../../layers/core/pipeline/finish-run.ts';
import { finishStateSchema } from '../../../layers/core/pipeline/finish-run.ts';

const ref = (key: string) => ({ bucket: 'data', key });

/** The state Finish receives, as the state machine builds it (parsed, so it is a valid payload). */
export function finishState(promotion?: FinishState['promotion']): FinishState {
  return finishStateSchema.parse({
    runId: 'run-1',
    request: { modelName: 'schedule', trigger: { kind: 'manual' } },
    prep: {
      dataset: ref('runs/run-1/prepared.bin'),
      preprocessor: ref('runs/run-1/preprocessor.json'),
      holdout: ref('runs/run-1/holdout.jsonl'),
      source: { uri: 's3://data/incoming/schedule/a.csv', digest: 'abc', rows: 100, columns: 5 },
      target: 'y',
      classes: ['no', 'yes'],
      features: 4,
      trainRows: 80,
      testRows: 20,
      config: { seed: 42, promotionMargin: 0 },
    },
    plan: {
      manifest: ref('runs/run-1/cells.json'),
      results: { bucket: 'data', prefix: 'runs/run-1/results' },
      cells: 10,
      configurations: 2,
      subsampled: [],
    },
    refits: [
      {
        kind: 'refit',
        model: 'DecisionTree',
        params: { max_depth: 3 },
        paramsKey: 'max_depth=3',
        cvAccuracy: 0.8,
        cvStd: 0.05,
        configurations: 2,
        testAccuracy: 0.85,
        fitSeconds: 0.1,
        artifact: ref('runs/run-1/refits/DecisionTree.json'),
      },
    ],
    evaluation: {
      bestModel: 'DecisionTree',
      testAccuracy: 0.85,
      modelDocument: ref('runs/run-1/model.json'),
      sha256: 'f'.repeat(64),
      leaderboard: ref('runs/run-1/leaderboard.json'),
      evaluation: ref('runs/run-1/evaluation.json'),
    },
    registration: {
      modelName: 'schedule',
      version: 3,
      artifact: ref('models/schedule/run-1/model.json'),
      promote: promotion !== undefined,
      gate: { newAccuracy: 0.85, margin: 0, reason: 'because' },
    },
    ...(promotion === undefined ? {} : { promotion }),
  });
}
