/**
 * Finish task: the run becomes SUCCEEDED with its result, then its report is written to
 * reports/<runId>/index.html. The report's settings (DATA_BUCKET, REGISTRY_TABLE, FUNCTION_MEMORY_MB) are
 * checked once at cold start, but a problem with them only disables the report, loudly: every run then
 * logs it and counts ReportsFailed, and still finishes.
 */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logger } from '../layers/aws/lambda/observability.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import type { ReportWriter } from '../layers/core/pipeline/finish-run.ts';
import { finishRun, finishStateSchema } from '../layers/core/pipeline/finish-run.ts';
import { parseFunctionMemory } from '../layers/core/reports/function-memory.ts';
import { writeRunReport } from '../layers/core/reports/write-run-report.ts';

const env = parseEnv(['RUNS_TABLE']);

function reportWriter(): ReportWriter {
  try {
    const reportEnv = { ...env, ...parseEnv(['DATA_BUCKET', 'REGISTRY_TABLE']) };
    const memoryMb = parseFunctionMemory(process.env.FUNCTION_MEMORY_MB);
    return (runId, signal) => {
      // Named, not spread: the ports are lazy getters, and a spread would build every one of them.
      const deps = pipelineDeps(reportEnv);
      const { artifacts, experiments, registry, clock, bucket } = deps;
      return writeRunReport({ artifacts, experiments, registry, clock, bucket, memoryMb }, runId, signal);
    };
  } catch (error) {
    logger.error(
      'run reports are disabled: their configuration is invalid',
      error instanceof Error ? error : String(error),
    );
    return () => Promise.reject(error);
  }
}

const writeReport = reportWriter();

export const handler = lambdaHandler({
  functionKey: 'finishRun',
  event: finishStateSchema,
  handle: (state, { signal }) =>
    finishRun(
      {
        experiments: pipelineDeps(env).experiments,
        metrics: pipelineDeps(env).metrics,
        clock: pipelineDeps(env).clock,
        writeReport,
        onReportError: (error, runId) =>
          logger.error(
            `the report of run ${runId} was not written`,
            error instanceof Error ? error : String(error),
          ),
      },
      state,
      signal,
    ),
});
