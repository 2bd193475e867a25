/** Register task: a new model version, the challenger alias, and the promotion gate's verdict (`$.registration`). */
import { parseEnv, parseEnvIfSet } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { runStateAfterEvaluateSchema } from '../layers/core/pipeline/messages.ts';
import { registerModel } from '../layers/core/pipeline/register-model.ts';

// EVENT_BUS_NAME: where registry events go; checked here when set, and by the wiring on first publish.
const env = {
  ...parseEnv(['DATA_BUCKET', 'RUNS_TABLE', 'REGISTRY_TABLE', 'CODE_VERSION']),
  ...parseEnvIfSet(['EVENT_BUS_NAME']),
};

export const handler = lambdaHandler({
  functionKey: 'register',
  event: runStateAfterEvaluateSchema,
  handle: (state, { signal }) => registerModel(pipelineDeps(env), state, signal),
});
