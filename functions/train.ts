/**
 * Train task: one cell of the Distributed Map (a CV fold) or one refit of the inline Map. The Lambda
 * request id is the cell's worker, so a cell record leads to the invocation's logs.
 */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { trainEventSchema } from '../layers/core/pipeline/messages.ts';
import { trainCell } from '../layers/core/pipeline/train-cell.ts';

const env = parseEnv(['DATA_BUCKET', 'RUNS_TABLE']);

export const handler = lambdaHandler({
  functionKey: 'train',
  event: trainEventSchema,
  handle: (event, { context, signal }) =>
    trainCell(pipelineDeps(env), event, { requestId: context.awsRequestId, signal }),
});
