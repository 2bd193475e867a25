/**
 * The S3 event notification a startRun invocation receives, validated, and turned into uploads. S3 sends
 * object keys URL-encoded with spaces as '+' (application/x-www-form-urlencoded), so they are decoded
 * before anything compares or stores them.
 */

import type { UploadEvent } from '../../core/pipeline/start-run.ts';
import * as z from '../../ml/zod.ts';
import { InvalidEventError } from './errors.ts';

const nonEmpty = z.string().check(z.minLength(1));

const s3EventRecordSchema = z.object({
  eventName: nonEmpty,
  s3: z.object({
    bucket: z.object({ name: nonEmpty }),
    object: z.object({
      key: nonEmpty,
      eTag: nonEmpty,
      versionId: z.optional(nonEmpty),
    }),
  }),
});

export const s3EventSchema = z.object({ Records: z.array(s3EventRecordSchema) });
export type S3NotificationEvent = z.infer<typeof s3EventSchema>;

/** Which uploads start runs: CSVs under incoming/ (the notification filter says the same, this is the guard). */
const UPLOAD_PREFIX = 'incoming/';
const UPLOAD_SUFFIX = '.csv';

/** `incoming/my+data%C3%A9.csv` → `incoming/my dataé.csv`; undefined when the text is not URL-encoded. */
export function decodeS3Key(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

export type RecordRoute =
  | { readonly kind: 'upload'; readonly upload: UploadEvent }
  | { readonly kind: 'skip'; readonly bucket: string; readonly key: string; readonly reason: string };

/** One route per record, in order: an upload to start a run from, or a reason to skip it. */
export function routeS3Records(event: S3NotificationEvent): RecordRoute[] {
  return event.Records.map((record, index): RecordRoute => {
    const bucket = record.s3.bucket.name;
    const key = decodeS3Key(record.s3.object.key);
    if (key === undefined) {
      const field = `Records[${index}].s3.object.key`;
      throw new InvalidEventError(`startRun: invalid event: ${field}: not a URL-encoded key`, {
        function: 'startRun',
        field,
        key: record.s3.object.key,
      });
    }
    if (!record.eventName.startsWith('ObjectCreated:')) {
      return { kind: 'skip', bucket, key, reason: `${record.eventName} is not an object creation` };
    }
    if (!key.startsWith(UPLOAD_PREFIX) || !key.endsWith(UPLOAD_SUFFIX)) {
      return { kind: 'skip', bucket, key, reason: `${key} is not a CSV under ${UPLOAD_PREFIX}` };
    }
    const { eTag, versionId } = record.s3.object;
    return {
      kind: 'upload',
      upload: { bucket, key, etag: eTag, ...(versionId === undefined ? {} : { versionId }) },
    };
  });
}
