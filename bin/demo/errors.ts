import { SynergyError } from '../../layers/core/errors.ts';
import type { RunRecord } from '../../layers/core/pipeline/records.ts';

/** A run the story depends on failed: the demo cannot go on (the message carries the run's error). */
export class DemoRunFailedError extends SynergyError {
  constructor(run: RunRecord) {
    super(
      `run ${run.runId} (trigger ${run.trigger.kind}) ${run.status}: ${run.error?.name ?? 'Error'}: ${run.error?.message ?? 'no cause recorded'}`,
      { runId: run.runId, status: run.status, error: run.error },
    );
    this.name = 'DemoRunFailedError';
  }
}

/** Something the story waits for did not happen in time (the message says what, and where to look). */
export class DemoTimeoutError extends SynergyError {
  constructor(message: string, context: Record<string, unknown>) {
    super(message, context);
    this.name = 'DemoTimeoutError';
  }
}
