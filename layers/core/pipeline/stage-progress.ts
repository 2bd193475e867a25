/**
 * A run's progress as the later tasks record it: the stage it is in, and the milliseconds each stage took
 * (merged into `timings`, as Prep records its own). Only a RUNNING run moves on: a run already marked
 * FAILED or SUCCEEDED is never brought back by a late or retried task (ConflictError).
 */
import type { PipelineDeps } from './deps.ts';
import type { RunRecord, RunStage } from './records.ts';

type ProgressDeps = Pick<PipelineDeps, 'experiments' | 'clock'>;

export interface StageTimer {
  /** The run as it was when the stage began. */
  readonly run: RunRecord;
  /**
   * Records the stage's duration under `timings[stage]`; `next` names the stage that follows when it is
   * not a task of its own (the Refits map after SelectBest), so progress shows it.
   */
  finish(next?: RunStage): Promise<RunRecord>;
}

export async function enterStage(deps: ProgressDeps, runId: string, stage: RunStage): Promise<StageTimer> {
  const started = deps.clock.now();
  const run = await deps.experiments.updateRun(runId, { stage, updatedAt: started.toISOString() }, [
    'RUNNING',
  ]);
  return {
    run,
    finish: async (next) => {
      const finished = deps.clock.now();
      const timings = { ...run.timings, [stage]: finished.getTime() - started.getTime() };
      const patch = {
        timings,
        updatedAt: finished.toISOString(),
        ...(next === undefined ? {} : { stage: next }),
      };
      return deps.experiments.updateRun(runId, patch, ['RUNNING']);
    },
  };
}
