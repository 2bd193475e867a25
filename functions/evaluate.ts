/** Evaluate task: refits → leaderboard, best model's evaluation and the model document (`$.evaluation`). */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { evaluateRun } from '../layers/core/pipeline/evaluate-run.ts';
import { runStateAfterRefitsSchema } from '../layers/core/pipeline/messages.ts';

const env = parseEnv(['DATA_BUCKET', 'RUNS_TABLE']);

export const handler = lambdaHandler({
  functionKey: 'evaluate',
  event: runStateAfterRefitsSchema,
  handle: (state, { signal }) => evaluateRun(pipelineDeps(env), state, signal),
});
