/**
 * The Finish task: the run is SUCCEEDED with its result (best model, its test accuracy, the registered
 * version, whether it was promoted, where the leaderboard and evaluation are). A retry after a success
 * finds the same result recorded and returns it; any other finished run is a conflict.
 *
 * Then it writes the run's report (reports/write-run-report.ts) when given a writer. The report is for
 * people, not part of the run's outcome: a report that fails or takes too long is counted
 * (`ReportsFailed`) and handed to `onReportError` (the handler logs it), and the run stays SUCCEEDED.
 * A retried Finish writes the report again.
 */
import type { z } from 'zod';
import { ConflictError, SynergyError } from '../errors.ts';
import type { ObjectRef } from '../ports.ts';
import type { PipelineDeps } from './deps.ts';
import { s3Uri } from './keys.ts';
import { runStateAfterRegisterSchema } from './messages.ts';
import { promotionOutputSchema } from './promote-model.ts';
import type { RunResult } from './records.ts';

/** Finish's event: the state after Register, and Promote's output when the gate said promote. */
export const finishStateSchema = runStateAfterRegisterSchema.extend({
  promotion: promotionOutputSchema.optional(),
});
export type FinishState = z.infer<typeof finishStateSchema>;

export interface FinishOutput {
  readonly runId: string;
  readonly status: 'SUCCEEDED';
  readonly result: RunResult;
  /** s3:// URI of the run's report, when it was written. */
  readonly report?: string;
}

/** Writes `runId`'s report and returns where (reports/write-run-report.ts bound to its deps). */
export type ReportWriter = (runId: string, signal?: AbortSignal) => Promise<ObjectRef>;

export type FinishDeps = Pick<PipelineDeps, 'experiments' | 'metrics' | 'clock'> & {
  /** Without it, no report is written. */
  readonly writeReport?: ReportWriter;
  /** Told about a report that could not be written (the run is SUCCEEDED regardless). */
  readonly onReportError?: (error: unknown, runId: string) => void;
  /** Longest the report may take before it is given up (default REPORT_BUDGET_MS). */
  readonly reportBudgetMs?: number;
};

/** Well inside Finish's 30 s Lambda timeout, so a slow report can never time the task out. */
export const REPORT_BUDGET_MS = 10_000;

/** The report took longer than its budget and was given up. */
export class ReportTimeoutError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ReportTimeoutError';
  }
}

export function runResultOf(state: FinishState): RunResult {
  return {
    bestModel: state.evaluation.bestModel,
    testAccuracy: state.evaluation.testAccuracy,
    modelVersion: state.registration.version,
    promoted: state.promotion?.promoted ?? false,
    leaderboardUri: s3Uri(state.evaluation.leaderboard),
    evaluationUri: s3Uri(state.evaluation.evaluation),
  };
}

export async function finishRun(
  deps: FinishDeps,
  state: FinishState,
  signal?: AbortSignal,
): Promise<FinishOutput> {
  const result = runResultOf(state);
  const now = deps.clock.now().toISOString();
  try {
    const run = await deps.experiments.updateRun(
      state.runId,
      { status: 'SUCCEEDED', stage: 'done', result, finishedAt: now, updatedAt: now },
      ['RUNNING'],
    );
    deps.metrics.add('RunsSucceeded', 'Count', 1, { modelName: run.modelName });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const run = await deps.experiments.getRun(state.runId);
    const sameSuccess = run?.status === 'SUCCEEDED' && sameResult(run.result, result);
    if (!sameSuccess) throw error;
  }
  const report = await tryWriteReport(deps, state, signal);
  return { runId: state.runId, status: 'SUCCEEDED', result, ...(report === undefined ? {} : { report }) };
}

async function tryWriteReport(
  deps: FinishDeps,
  state: FinishState,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  if (!deps.writeReport) return undefined;
  const budgetMs = deps.reportBudgetMs ?? REPORT_BUDGET_MS;
  // One timer both aborts the writer's reads and ends the wait, with the same error either way.
  const budget = new AbortController();
  const reportSignal = signal ? AbortSignal.any([signal, budget.signal]) : budget.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ReportTimeoutError(`the report took more than ${budgetMs} ms`, {
        runId: state.runId,
        budgetMs,
      });
      budget.abort(error);
      reject(error);
    }, budgetMs);
  });
  try {
    const ref = await Promise.race([deps.writeReport(state.runId, reportSignal), timeout]);
    return s3Uri(ref);
  } catch (error) {
    deps.metrics.add('ReportsFailed', 'Count', 1, { modelName: state.request.modelName });
    deps.onReportError?.(error, state.runId);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function sameResult(a: RunResult | undefined, b: RunResult): boolean {
  return (
    a !== undefined &&
    a.bestModel === b.bestModel &&
    a.testAccuracy === b.testAccuracy &&
    a.modelVersion === b.modelVersion &&
    a.promoted === b.promoted &&
    a.leaderboardUri === b.leaderboardUri &&
    a.evaluationUri === b.evaluationUri
  );
}
