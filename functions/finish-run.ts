/** Finish task: the run becomes SUCCEEDED with its result. */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { finishRun, finishStateSchema } from '../layers/core/pipeline/finish-run.ts';

const env = parseEnv(['RUNS_TABLE']);

export const handler = lambdaHandler({
  functionKey: 'finishRun',
  event: finishStateSchema,
  handle: (state) => finishRun(pipelineDeps(env), state),
});
