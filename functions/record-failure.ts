/** RecordFailure task (every Catch leads here): the run becomes FAILED with the error that ended it. */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { failureEventSchema } from '../layers/core/pipeline/messages.ts';
import { recordFailure } from '../layers/core/pipeline/record-failure.ts';

const env = parseEnv(['RUNS_TABLE']);

export const handler = lambdaHandler({
  functionKey: 'recordFailure',
  event: failureEventSchema,
  handle: (event) => recordFailure(pipelineDeps(env), event),
});
