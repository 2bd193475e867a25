/**
 * An upload under `incoming/<dataset>/` becomes a training run. S3 delivers events at least once, so
 * everything here is keyed by the object version: the run id is a hash of it, the run item is a
 * conditional create, and the execution's name and input are the same on every delivery, which makes
 * StartExecution itself the idempotency check (a second start is a no-op, never a second run).
 */
import { createHash } from 'node:crypto';
import type { PipelineDeps } from './deps.ts';
import { datasetNameFromKey } from './keys.ts';
import type { TrainingRequest } from './messages.ts';
import { queueTraining } from './queue-training.ts';
import type { RunTrigger } from './records.ts';

export interface UploadEvent {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly versionId?: string;
}

export type StartRunResult =
  | {
      readonly runId: string;
      readonly executionArn: string;
      /** false when this upload's execution had already been started (a redelivered event). */
      readonly started: boolean;
    }
  | { readonly skipped: string };

/** Step Functions execution names: 1–80 characters; this keeps to the portable subset. */
const DATASET_PART_MAX = 40;
const HASH_HEX = 20;

/**
 * `<dataset>-<hash>`: the dataset part (sanitized, ≤ 40 chars) so a person can tell runs apart, the hash
 * of bucket, key and object version (or etag, on unversioned buckets) so one upload is one run.
 */
export function runIdForUpload(upload: UploadEvent, dataset: string): string {
  const readable = dataset.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, DATASET_PART_MAX);
  const version = upload.versionId ?? upload.etag;
  const hash = createHash('sha256').update(`${upload.bucket}\n${upload.key}\n${version}`).digest('hex');
  return `${readable}-${hash.slice(0, HASH_HEX)}`;
}

export async function startRunFromUpload(
  deps: Pick<PipelineDeps, 'experiments' | 'orchestrator' | 'clock'>,
  upload: UploadEvent,
): Promise<StartRunResult> {
  const dataset = datasetNameFromKey(upload.key);
  if (dataset === undefined) {
    return { skipped: `${upload.key} is not an upload of the form incoming/<dataset>/<file>.csv` };
  }
  const runId = runIdForUpload(upload, dataset);
  const trigger: RunTrigger = {
    kind: 'upload',
    bucket: upload.bucket,
    key: upload.key,
    etag: upload.etag,
    ...(upload.versionId === undefined ? {} : { versionId: upload.versionId }),
  };
  // Built only from the event, never the clock, so every delivery sends byte-identical input.
  const request: TrainingRequest = { modelName: dataset, trigger };
  const { executionArn, started } = await queueTraining(deps, runId, trigger, request);
  return { runId, executionArn, started };
}
