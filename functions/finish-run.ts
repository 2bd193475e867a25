/**
 * Finish task: the run becomes SUCCEEDED with its result, then its report is written to
 * reports/<runId>/index.html (layers/aws/report-writer.ts: a report problem never fails the run).
 */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logReportError, runReportWriter } from '../layers/aws/report-writer.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import { finishRun, finishStateSchema } from '../layers/core/pipeline/finish-run.ts';

const env = parseEnv(['RUNS_TABLE']);
const writeReport = runReportWriter();

export const handler = lambdaHandler({
  functionKey: 'finishRun',
  event: finishStateSchema,
  handle: (state, { signal }) => {
    const { experiments, metrics, clock } = pipelineDeps(env);
    return finishRun(
      { experiments, metrics, clock, writeReport, onReportError: logReportError },
      state,
      signal,
    );
  },
});
