/**
 * The Finish task: the run is SUCCEEDED with its result (best model, its test accuracy, the registered
 * version, whether it was promoted, where the leaderboard and evaluation are). A retry after a success
 * finds the same result recorded and returns it; any other finished run is a conflict.
 *
 * Then it writes the run's report when given a writer (reports/report-attempt.ts: a report that fails
 * never changes the run's status). A retried Finish writes the report again.
 */
import type { z } from 'zod';
import { ConflictError } from '../errors.ts';
import { attemptReport, type ReportAttemptDeps } from '../reports/report-attempt.ts';
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

export type FinishDeps = Pick<PipelineDeps, 'experiments' | 'metrics' | 'clock'> &
  Omit<ReportAttemptDeps, 'metrics'>;

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
  const report = await attemptReport(deps, state.runId, state.request.modelName, signal);
  return { runId: state.runId, status: 'SUCCEEDED', result, ...(report === undefined ? {} : { report }) };
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
