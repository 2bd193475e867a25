/**
 * RecordFailure task (every Catch leads here): the run becomes FAILED with the error that ended it, then
 * its report (the error, timings, lineage) is written to reports/<runId>/index.html — a report problem
 * never changes what is recorded (layers/aws/report-writer.ts).
 */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logReportError, runReportWriter } from '../layers/aws/report-writer.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { failureEventSchema } from '../layers/core/pipeline/messages.ts';
import { recordFailure } from '../layers/core/pipeline/record-failure.ts';

const env = parseEnv(['RUNS_TABLE']);
const writeReport = runReportWriter();

export const handler = lambdaHandler({
  functionKey: 'recordFailure',
  event: failureEventSchema,
  handle: (event, { signal }) => {
    const { experiments, metrics, clock } = pipelineDeps(env);
    return recordFailure(
      { experiments, metrics, clock, writeReport, onReportError: logReportError },
      event,
      signal,
    );
  },
});
