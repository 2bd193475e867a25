/**
 * A Distributed Map's ResultWriter (s3:putObject): AWS's layout under `<Prefix>/<mapRunId>/`, one file per
 * status that has entries (SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json) holding the child executions
 * with AWS's field names, then manifest.json listing them.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StateError } from './errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';

export type ChildStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'PENDING';

export interface ChildOutcome {
  readonly index: number;
  readonly input: string;
  readonly status: ChildStatus;
  /** Absent for items never started (PENDING). */
  readonly name?: string;
  readonly executionArn?: string;
  readonly startDate?: number;
  readonly stopDate?: number;
  readonly output?: JsonValue;
  readonly error?: string;
  readonly cause?: string;
}

export interface ResultWriterTarget {
  readonly bucket: string;
  readonly prefix: string;
}

export function resultWriterTarget(parameters: JsonValue): ResultWriterTarget {
  if (!isJsonObject(parameters) || typeof parameters.Bucket !== 'string') {
    throw new StateError(
      'States.ResultWriterFailed',
      `ResultWriter Parameters need a Bucket, got ${JSON.stringify(parameters)}`,
    );
  }
  return {
    bucket: parameters.Bucket,
    prefix: typeof parameters.Prefix === 'string' ? parameters.Prefix : '',
  };
}

/** Writes the results and returns where the manifest is (the state's ResultWriterDetails). */
export async function writeMapRunResults(
  s3: S3Client,
  target: ResultWriterTarget,
  run: { readonly mapRunArn: string; readonly mapRunId: string; readonly childMachineArn: string },
  outcomes: readonly ChildOutcome[],
): Promise<{ Bucket: string; Key: string }> {
  const base = [target.prefix.replace(/\/+$/, ''), run.mapRunId].filter((part) => part !== '').join('/');
  const groups: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', JsonObject[]> = {
    FAILED: [],
    PENDING: [],
    SUCCEEDED: [],
  };
  for (const outcome of [...outcomes].sort((a, b) => a.index - b.index)) {
    const group = outcome.status === 'ABORTED' ? 'FAILED' : outcome.status;
    groups[group].push(resultEntry(outcome, run.childMachineArn));
  }
  const resultFiles: JsonObject = {};
  for (const status of ['FAILED', 'PENDING', 'SUCCEEDED'] as const) {
    resultFiles[status] = [];
    if (groups[status].length === 0) continue;
    const key = `${base}/${status}_0.json`;
    const body = JSON.stringify(groups[status]);
    await put(s3, target.bucket, key, body);
    resultFiles[status] = [{ Key: key, Size: Buffer.byteLength(body) }];
  }
  const manifestKey = `${base}/manifest.json`;
  const manifest = { DestinationBucket: target.bucket, MapRunArn: run.mapRunArn, ResultFiles: resultFiles };
  await put(s3, target.bucket, manifestKey, JSON.stringify(manifest));
  return { Bucket: target.bucket, Key: manifestKey };
}

/** One child execution as AWS writes it (keys in AWS's alphabetical order). */
function resultEntry(outcome: ChildOutcome, childMachineArn: string): JsonObject {
  if (outcome.status === 'PENDING') {
    return { Input: outcome.input, InputDetails: { Included: true }, Status: 'PENDING' };
  }
  const failed = outcome.status !== 'SUCCEEDED';
  const entry: JsonObject = {};
  if (failed) {
    entry.Cause = outcome.cause ?? '';
    entry.Error = outcome.error ?? '';
  }
  entry.ExecutionArn = outcome.executionArn ?? '';
  entry.Input = outcome.input;
  entry.InputDetails = { Included: true };
  entry.Name = outcome.name ?? '';
  if (!failed) {
    entry.Output = JSON.stringify(outcome.output ?? null);
    entry.OutputDetails = { Included: true };
  }
  entry.RedriveCount = 0;
  entry.RedriveStatus = 'NOT_REDRIVABLE';
  entry.RedriveStatusReason = failed
    ? 'Redrive is not supported by the local runtime'
    : 'Execution is SUCCEEDED and cannot be redriven';
  entry.StartDate = new Date(outcome.startDate ?? 0).toISOString();
  entry.StateMachineArn = childMachineArn;
  entry.Status = outcome.status;
  entry.StopDate = new Date(outcome.stopDate ?? 0).toISOString();
  return entry;
}

async function put(s3: S3Client, bucket: string, key: string, body: string): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new StateError('States.ResultWriterFailed', `Could not write s3://${bucket}/${key}: ${reason}`);
  }
}
