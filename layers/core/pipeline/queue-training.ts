/**
 * A run recorded as PENDING (stage `queued`) and its training started — what an upload and a retraining
 * both do. Each step is idempotent on the run id: a redelivered trigger finds the run already recorded
 * (`exists`; also a retry after a failure further down) and the execution already started
 * (`started: false`).
 */
import type { PipelineDeps } from './deps.ts';
import type { TrainingRequest } from './messages.ts';
import type { RunRecord, RunTrigger } from './records.ts';

export async function queueTraining(
  deps: Pick<PipelineDeps, 'experiments' | 'orchestrator' | 'clock'>,
  runId: string,
  trigger: RunTrigger,
  request: TrainingRequest,
): Promise<{ readonly executionArn: string; readonly started: boolean }> {
  const now = deps.clock.now().toISOString();
  const run: RunRecord = {
    runId,
    modelName: request.modelName,
    status: 'PENDING',
    trigger,
    createdAt: now,
    updatedAt: now,
    stage: 'queued',
  };
  await deps.experiments.createRun(run);
  const { executionArn, started } = await deps.orchestrator.startTraining(runId, request);
  await deps.experiments.updateRun(runId, { executionArn, updatedAt: deps.clock.now().toISOString() });
  return { executionArn, started };
}
