/**
 * The RecordFailure task (every Catch leads here): the run becomes FAILED with the error that ended it.
 * A Lambda error arrives as a Cause holding its JSON ({errorType, errorMessage, trace}); anything else
 * (States.Timeout, a Map's failure) as the Error name and a text Cause. A run already finished is left as
 * it is, and the output says so. Never touches the registry: a failed run registers nothing more.
 */
import { z } from 'zod';
import { ConflictError, SynergyError } from '../errors.ts';
import { attemptReport, type ReportAttemptDeps } from '../reports/report-attempt.ts';
import type { PipelineDeps } from './deps.ts';
import type { FailureEvent } from './messages.ts';
import type { RunError, RunStatus } from './records.ts';

export interface FailureRecorded {
  readonly runId: string;
  /** False when the run had already finished (SUCCEEDED or FAILED) and was left as it was. */
  readonly recorded: boolean;
  /** The run's status after this task. */
  readonly status: RunStatus;
  readonly error: RunError;
  /** s3:// URI of the run's report, when this task recorded the failure and wrote it. */
  readonly report?: string;
}

type RecordFailureDeps = Pick<PipelineDeps, 'experiments' | 'metrics' | 'clock'> &
  Omit<ReportAttemptDeps, 'metrics'>;

const lambdaErrorSchema = z.object({ errorType: z.string().min(1), errorMessage: z.string() });

/** The run's error from a Catch's `{Error, Cause}`. */
export function runErrorOf(failure: FailureEvent['failure']): RunError {
  const cause = failure.Cause;
  if (cause !== undefined) {
    const lambdaError = lambdaErrorSchema.safeParse(parseJson(cause));
    if (lambdaError.success)
      return { name: lambdaError.data.errorType, message: lambdaError.data.errorMessage };
  }
  return { name: failure.Error, message: cause ?? failure.Error };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function recordFailure(
  deps: RecordFailureDeps,
  event: FailureEvent,
  signal?: AbortSignal,
): Promise<FailureRecorded> {
  const recorded = await recordFailedRun(deps, event);
  if (!recorded.recorded) return recorded;
  // A failed run gets a report too: its error, how far it came, its lineage.
  const report = await attemptReport(deps, event.runId, recorded.modelName, signal);
  const { modelName: _, ...outcome } = recorded;
  return { ...outcome, ...(report === undefined ? {} : { report }) };
}

async function recordFailedRun(
  deps: RecordFailureDeps,
  event: FailureEvent,
): Promise<FailureRecorded & { readonly modelName: string }> {
  const error = runErrorOf(event.failure);
  const now = deps.clock.now().toISOString();
  const outcome = (recorded: boolean, status: RunStatus, modelName: string) => ({
    runId: event.runId,
    recorded,
    status,
    error,
    modelName,
  });

  const existing = await deps.experiments.getRun(event.runId);
  if (!existing) {
    // A run can fail before Prep created its item (e.g. a retraining whose Prep never ran).
    if (!event.request) {
      throw new SynergyError(
        `run ${event.runId} has no record and the failure carries no request to create one`,
        {
          runId: event.runId,
          error,
        },
      );
    }
    const created = await deps.experiments.createRun({
      runId: event.runId,
      modelName: event.request.modelName,
      status: 'FAILED',
      trigger: event.request.trigger,
      createdAt: now,
      updatedAt: now,
      finishedAt: now,
      error,
    });
    if (created === 'created') {
      deps.metrics.add('RunsFailed', 'Count', 1, { modelName: event.request.modelName });
      return outcome(true, 'FAILED', event.request.modelName);
    }
  }

  try {
    const run = await deps.experiments.updateRun(
      event.runId,
      { status: 'FAILED', error, finishedAt: now, updatedAt: now },
      ['PENDING', 'RUNNING'],
    );
    deps.metrics.add('RunsFailed', 'Count', 1, { modelName: run.modelName });
    return outcome(true, 'FAILED', run.modelName);
  } catch (conflict) {
    if (!(conflict instanceof ConflictError)) throw conflict;
    const run = await deps.experiments.getRun(event.runId);
    if (!run) throw conflict;
    return outcome(false, run.status, run.modelName);
  }
}
