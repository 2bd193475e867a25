/** SelectBest task: the run's cell records → the best configuration of each model, to refit (`$.selection`). */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { runStateAfterPlanSchema } from '../layers/core/pipeline/messages.ts';
import { selectBest } from '../layers/core/pipeline/select-best.ts';

const env = parseEnv(['RUNS_TABLE']);

export const handler = lambdaHandler({
  functionKey: 'selectBest',
  event: runStateAfterPlanSchema,
  handle: (state, { signal }) => selectBest(pipelineDeps(env), state, signal),
});
