/**
 * A run's report is for people, not part of the run's outcome: the tasks that end a run (Finish,
 * RecordFailure) write it within a time budget, and one that fails or takes too long is counted
 * (`ReportsFailed`) and handed to `onReportError` (the handler logs it) — the run's status never depends on it.
 */
import { SynergyError } from '../errors.ts';
import { s3Uri } from '../pipeline/keys.ts';
import type { Metrics, ObjectRef } from '../ports.ts';

/** Writes `runId`'s report and returns where (write-run-report.ts bound to its deps). */
export type ReportWriter = (runId: string, signal?: AbortSignal) => Promise<ObjectRef>;

export interface ReportAttemptDeps {
  readonly metrics: Metrics;
  /** Without it, no report is written. */
  readonly writeReport?: ReportWriter;
  /** Told about a report that could not be written (the run's status stands regardless). */
  readonly onReportError?: (error: unknown, runId: string) => void;
  /** Longest the report may take before it is given up (default REPORT_BUDGET_MS). */
  readonly reportBudgetMs?: number;
}

/** Well inside the 30 s Lambda timeout of the tasks that write it, so a slow report never times them out. */
export const REPORT_BUDGET_MS = 10_000;

/** The report took longer than its budget and was given up. */
export class ReportTimeoutError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'ReportTimeoutError';
  }
}

/** The report's s3:// URI, or undefined when there is no writer or it failed (counted and reported). */
export async function attemptReport(
  deps: ReportAttemptDeps,
  runId: string,
  modelName: string,
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
      const error = new ReportTimeoutError(`the report took more than ${budgetMs} ms`, { runId, budgetMs });
      budget.abort(error);
      reject(error);
    }, budgetMs);
  });
  try {
    const ref = await Promise.race([deps.writeReport(runId, reportSignal), timeout]);
    return s3Uri(ref);
  } catch (error) {
    deps.metrics.add('ReportsFailed', 'Count', 1, { modelName });
    deps.onReportError?.(error, runId);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
