/** Prep task: the uploaded CSV → prepared dataset, preprocessor and holdout in S3 (`$.prep`). */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { runStateSchema } from '../layers/core/pipeline/messages.ts';
import { prepareRun } from '../layers/core/pipeline/prepare-run.ts';

const env = parseEnv(['DATA_BUCKET', 'RUNS_TABLE']);

export const handler = lambdaHandler({
  functionKey: 'prep',
  event: runStateSchema,
  handle: (state, { signal }) => prepareRun(pipelineDeps(env), state, signal),
});
