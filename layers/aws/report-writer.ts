/**
 * The run report's writer for the tasks that end a run (Finish, RecordFailure). Its settings
 * (DATA_BUCKET, REGISTRY_TABLE, FUNCTION_MEMORY_MB) are checked once at cold start, but a problem with them
 * only disables the report, loudly: every run then logs it and counts ReportsFailed, and still ends.
 */
import { parseFunctionMemory } from '../core/reports/function-memory.ts';
import type { ReportWriter } from '../core/reports/report-attempt.ts';
import { writeRunReport } from '../core/reports/write-run-report.ts';
import { parseEnv } from './lambda/env.ts';
import { logger } from './lambda/observability.ts';
import { pipelineDeps } from './wiring.ts';

export function runReportWriter(): ReportWriter {
  try {
    const reportEnv = parseEnv(['RUNS_TABLE', 'DATA_BUCKET', 'REGISTRY_TABLE']);
    const memoryMb = parseFunctionMemory(process.env.FUNCTION_MEMORY_MB);
    return (runId, signal) => {
      // Named, not spread: the ports are lazy getters, and a spread would build every one of them.
      const { artifacts, experiments, registry, clock, bucket } = pipelineDeps(reportEnv);
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

/** How a report that could not be written is told: a log line (the run's status stands). */
export function logReportError(error: unknown, runId: string): void {
  logger.error(`the report of run ${runId} was not written`, error instanceof Error ? error : String(error));
}
