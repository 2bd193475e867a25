/**
 * batchTransform: S3 ObjectCreated under batch/ → each CSV at `batch/<model>/in/<name>.csv` scored into
 * `batch/<model>/out/` (the notification also fires for those outputs, which are skipped). Every record of
 * an invocation is processed; if any file failed, the invocation fails after the others are done, so S3's
 * async retry runs it again (a file already scored is simply rewritten with the same result).
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { InvalidEventError, LambdaDeadlineError } from '../layers/aws/lambda/errors.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logger } from '../layers/aws/lambda/observability.ts';
import { decodeS3Key, type S3NotificationEvent, s3EventSchema } from '../layers/aws/lambda/s3-event.ts';
import { pipelineDeps } from '../layers/aws/wiring.ts';
import {
  BatchTransformError,
  type BatchTransformSummary,
  batchTransform,
} from '../layers/core/serving/batch-transform.ts';

const env = parseEnv(['DATA_BUCKET', 'REGISTRY_TABLE']);

/**
 * The transform is stopped this long before the Lambda deadline (well before the handler's own early
 * timeout), so that it can end the uploads and write the FAILED summary before the sandbox is frozen.
 */
export const STOP_BEFORE_DEADLINE_MS = 10_000;

export type BatchTransformOutcome =
  | ({ readonly key: string } & BatchTransformSummary)
  | { readonly key: string; readonly skipped: string }
  | { readonly key: string; readonly failed: string };

/** Aborts STOP_BEFORE_DEADLINE_MS before the deadline, or when the handler's own signal does. */
function deadlineSignal(context: LambdaContext, handlerSignal: AbortSignal) {
  const controller = new AbortController();
  const stop = (): void =>
    controller.abort(
      new LambdaDeadlineError(
        `batchTransform stopped ${STOP_BEFORE_DEADLINE_MS} ms before the Lambda deadline`,
        { function: 'batchTransform', stopBeforeDeadlineMs: STOP_BEFORE_DEADLINE_MS },
      ),
    );
  const left = context.getRemainingTimeInMillis() - STOP_BEFORE_DEADLINE_MS;
  const timer = left > 0 ? setTimeout(stop, left) : undefined;
  if (timer === undefined) stop();
  const onHandlerAbort = (): void => controller.abort(handlerSignal.reason);
  handlerSignal.addEventListener('abort', onHandlerAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: (): void => {
      clearTimeout(timer);
      handlerSignal.removeEventListener('abort', onHandlerAbort);
    },
  };
}

interface BatchObject {
  readonly bucket: string;
  readonly key: string;
  readonly skip?: string;
}

function objectsOf(event: S3NotificationEvent): BatchObject[] {
  return event.Records.map((record, index): BatchObject => {
    const bucket = record.s3.bucket.name;
    const key = decodeS3Key(record.s3.object.key);
    if (key === undefined) {
      const field = `Records[${index}].s3.object.key`;
      throw new InvalidEventError(`batchTransform: invalid event: ${field}: not a URL-encoded key`, {
        function: 'batchTransform',
        field,
        key: record.s3.object.key,
      });
    }
    if (!record.eventName.startsWith('ObjectCreated:')) {
      return { bucket, key, skip: `${record.eventName} is not an object creation` };
    }
    if (bucket !== env.DATA_BUCKET) return { bucket, key, skip: `${bucket} is not the data bucket` };
    return { bucket, key };
  });
}

export const handler = lambdaHandler({
  functionKey: 'batchTransform',
  event: s3EventSchema,
  handle: async (event, { context, signal }): Promise<{ readonly records: BatchTransformOutcome[] }> => {
    const records: BatchTransformOutcome[] = [];
    const failures: unknown[] = [];
    const deadline = deadlineSignal(context, signal);
    try {
      for (const object of objectsOf(event)) {
        const { key } = object;
        if (object.skip !== undefined) {
          records.push({ key, skipped: object.skip });
          continue;
        }
        try {
          const deps = pipelineDeps(env);
          const result = await batchTransform(deps, object, deadline.signal);
          if ('skipped' in result) {
            logger.info('object skipped', { key, reason: result.skipped });
          } else {
            logger.info('batch transformed', { ...result });
            deps.metrics.add('BatchRowsPredicted', 'Count', result.predicted, { model: result.model });
            deps.metrics.add('BatchRowsFailed', 'Count', result.failed, { model: result.model });
          }
          records.push({ key, ...result });
        } catch (error) {
          if (error instanceof Error) logger.warn(`batch transform of ${key} failed`, error);
          else logger.warn(`batch transform of ${key} failed`, { error: String(error) });
          failures.push(error);
          records.push({ key, failed: error instanceof Error ? error.message : String(error) });
        }
      }
    } finally {
      deadline.dispose();
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      const failed = records.flatMap((record) => ('failed' in record ? [record.key] : []));
      const attempted = records.filter((record) => !('skipped' in record)).length;
      throw new BatchTransformError(
        `${failures.length} of ${attempted} files failed: ${failed.join(', ')}`,
        { failed },
        { cause: failures[0] },
      );
    }
    return { records };
  },
});
