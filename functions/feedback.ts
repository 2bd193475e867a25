/**
 * feedback: S3 ObjectCreated on `feedback/<model>/<file>.csv` → live accuracy and recall of the model's
 * captured predictions, and the matched rows kept with their labels for retraining (recordFeedback, per
 * record). Other keys, events and buckets are skipped with a log line. Every record is processed; if any
 * failed, the invocation fails afterwards naming them, so S3's async retry runs it again (a file already
 * recorded rewrites the same labelled object).
 */
import { InvalidEventError } from '../layers/aws/lambda/errors.ts';
import { lambdaHandler } from '../layers/aws/lambda/handler.ts';
import { logger } from '../layers/aws/lambda/observability.ts';
import { decodeS3Key, type S3NotificationEvent, s3EventSchema } from '../layers/aws/lambda/s3-event.ts';
import { feedbackDeps, parseFeedbackEnv } from '../layers/aws/monitoring-wiring.ts';
import { SynergyError } from '../layers/core/errors.ts';
import { recordFeedback } from '../layers/core/monitoring/feedback.ts';
import type { FeedbackResult } from '../layers/core/monitoring/types.ts';
import { modelOfFeedbackKey } from '../layers/core/pipeline/keys.ts';

const env = parseFeedbackEnv();

const FUNCTION_KEY = 'feedback';

export type FeedbackOutcome =
  | ({ readonly key: string } & FeedbackResult)
  | { readonly key: string; readonly skipped: string }
  | { readonly key: string; readonly failed: string };

/** Some feedback files of the event failed (the others were recorded); `cause` is the first failure. */
export class FeedbackFilesError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'FeedbackFilesError';
  }
}

interface FeedbackObject {
  readonly bucket: string;
  readonly key: string;
  readonly skip?: string;
}

function objectsOf(event: S3NotificationEvent): FeedbackObject[] {
  return event.Records.map((record, index): FeedbackObject => {
    const bucket = record.s3.bucket.name;
    const key = decodeS3Key(record.s3.object.key);
    if (key === undefined) {
      const field = `Records[${index}].s3.object.key`;
      throw new InvalidEventError(`${FUNCTION_KEY}: invalid event: ${field}: not a URL-encoded key`, {
        function: FUNCTION_KEY,
        field,
        key: record.s3.object.key,
      });
    }
    if (!record.eventName.startsWith('ObjectCreated:')) {
      return { bucket, key, skip: `${record.eventName} is not an object creation` };
    }
    if (bucket !== env.DATA_BUCKET) return { bucket, key, skip: `${bucket} is not the data bucket` };
    if (modelOfFeedbackKey(key) === undefined) {
      return { bucket, key, skip: `${key} is not a CSV at feedback/<model>/<file>.csv` };
    }
    return { bucket, key };
  });
}

export const handler = lambdaHandler({
  functionKey: FUNCTION_KEY,
  event: s3EventSchema,
  handle: async (event, { signal }): Promise<{ readonly records: FeedbackOutcome[] }> => {
    const records: FeedbackOutcome[] = [];
    const failures: unknown[] = [];
    for (const object of objectsOf(event)) {
      const { bucket, key } = object;
      if (object.skip !== undefined) {
        logger.info('object skipped', { bucket, key, reason: object.skip });
        records.push({ key, skipped: object.skip });
        continue;
      }
      try {
        const result = await recordFeedback(await feedbackDeps(env), { bucket, key }, signal);
        logger.info('feedback recorded', { key, ...result });
        records.push({ key, ...result });
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof Error) logger.warn(`feedback ${key} failed`, error);
        else logger.warn(`feedback ${key} failed`, { error: String(error) });
        failures.push(error);
        records.push({ key, failed: error instanceof Error ? error.message : String(error) });
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      const failed = records.flatMap((record) => ('failed' in record ? [record.key] : []));
      throw new FeedbackFilesError(
        `${failures.length} feedback files failed: ${failed.join(', ')}`,
        { failed },
        { cause: failures[0] },
      );
    }
    return { records };
  },
});
