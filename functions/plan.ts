/** Plan task: grid × folds → the cells manifest the Distributed Map reads (`$.plan`). */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { runStateAfterPrepSchema } from '../layers/core/pipeline/messages.ts';
import { planRun } from '../layers/core/pipeline/plan-run.ts';

const env = parseEnv(['DATA_BUCKET', 'RUNS_TABLE']);

export const handler = lambdaHandler({
  functionKey: 'plan',
  event: runStateAfterPrepSchema,
  handle: (state) => planRun(pipelineDeps(env), state),
});
