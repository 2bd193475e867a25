/** Promote task: moves the champion alias to the new version, re-gating if another run promoted first. */
import { parseEnv, parseEnvIfSet } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { runStateAfterRegisterSchema } from '../layers/core/pipeline/messages.ts';
import { promoteModel } from '../layers/core/pipeline/promote-model.ts';

// EVENT_BUS_NAME: where registry events go; checked here when set, and by the wiring on first publish.
const env = { ...parseEnv(['RUNS_TABLE', 'REGISTRY_TABLE']), ...parseEnvIfSet(['EVENT_BUS_NAME']) };

export const handler = lambdaHandler({
  functionKey: 'promote',
  event: runStateAfterRegisterSchema,
  handle: (state, { signal }) => promoteModel(pipelineDeps(env), state, signal),
});
