import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import type { Experiments } from '../../layers/core/ports.ts';

/** S3 reports ETags quoted in API responses and bare in event notifications. */
export function bareEtag(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

export class RunNotStartedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunNotStartedError';
  }
}

/**
 * The run an upload started: the S3 notification reaches startRun asynchronously, so this polls the runs
 * table for the run whose trigger is this object (key and ETag).
 */
export async function waitForUploadRun(
  experiments: Experiments,
  upload: { readonly modelName: string; readonly key: string; readonly etag: string },
  options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<RunRecord> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const etag = bareEtag(upload.etag);
  for (;;) {
    const runs = await experiments.listRuns({ modelName: upload.modelName, limit: 50 });
    const run = runs.find(
      (r) => r.trigger.kind === 'upload' && r.trigger.key === upload.key && bareEtag(r.trigger.etag) === etag,
    );
    if (run) return run;
    if (Date.now() > deadline) {
      throw new RunNotStartedError(
        `no run started for s3 key ${upload.key} within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s (is the stack's S3 notification to startRun working? see .synergy/logs/startRun.log)`,
      );
    }
    await sleep(options.pollMs ?? 200);
  }
}

export interface RunProgress {
  readonly run: RunRecord;
  readonly cellsDone: number;
}

/** Polls a run until it is SUCCEEDED or FAILED, reporting each change of stage or cell count. */
export async function followRun(
  experiments: Experiments,
  runId: string,
  onProgress: (progress: RunProgress) => void,
  options: { readonly pollMs?: number; readonly signal?: AbortSignal } = {},
): Promise<RunRecord> {
  let last = '';
  for (;;) {
    options.signal?.throwIfAborted();
    const run = await experiments.getRun(runId);
    if (!run) throw new RunNotStartedError(`run ${runId} is not in the runs table`);
    const cellsDone = run.cellsTotal === undefined ? 0 : await experiments.countCells(runId);
    const key = `${run.status}|${run.stage}|${cellsDone}`;
    if (key !== last) {
      last = key;
      onProgress({ run, cellsDone });
    }
    if (run.status === 'SUCCEEDED' || run.status === 'FAILED') return run;
    await sleep(options.pollMs ?? 250);
  }
}
