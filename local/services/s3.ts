/**
 * s3rver 3.7.1 in-process: the local data bucket. Clients must use path-style addressing, the
 * 127.0.0.1 endpoint (the server binds IPv4 only, and `localhost` may resolve to ::1), credentials
 * S3RVER/S3RVER and WHEN_REQUIRED checksums (otherwise streamed uploads are stored with the
 * aws-chunked framing inside the object).
 */
import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { patchListObjectsV2 } from './s3rver-list-v2.ts';

/**
 * One record of the notification s3rver emits (`server.on('event', {Records: [record]})`), as read
 * in s3rver/lib/models/event.js. It differs from a real S3 notification in ways the local runtime has
 * to make up for:
 * - `s3.object.key` is the raw key; AWS URL-encodes it (spaces as `+`).
 * - a completed multipart upload is `ObjectCreated:Post` (AWS: `ObjectCreated:CompleteMultipartUpload`)
 *   and its `eTag` is the plain MD5 of the whole object (AWS: `<md5 of part md5s>-<parts>`).
 * - `ObjectCreated:Copy` has no `eTag`; `ObjectRemoved:Delete` has neither `size` nor `eTag`;
 *   DeleteObjects (multi-delete) emits nothing.
 * - there is no `versionId`, `awsRegion` is always us-east-1, `configurationId` is `testConfigId`,
 *   and every object event is emitted: bucket notification configurations and prefix/suffix filters
 *   are ignored.
 * - `eTag` is unquoted (as in AWS notifications).
 * Listing quirks: ListObjectsV2 pagination is repaired by s3rver-list-v2.ts; with a Delimiter, a common
 * prefix whose objects all lie two or more levels deeper (`e/f/g` → `e/`) is missed by s3rver's walk.
 */
export interface S3EventRecordLike {
  readonly eventVersion: string;
  readonly eventSource: 'aws:s3';
  readonly awsRegion: string;
  readonly eventTime: string;
  readonly eventName:
    | 'ObjectCreated:Put'
    | 'ObjectCreated:Post'
    | 'ObjectCreated:Copy'
    | 'ObjectRemoved:Delete';
  readonly userIdentity: { readonly principalId: string };
  readonly requestParameters: { readonly sourceIPAddress: string };
  readonly responseElements: Readonly<Record<string, string>>;
  readonly s3: {
    readonly s3SchemaVersion: string;
    readonly configurationId: string;
    readonly bucket: {
      readonly name: string;
      readonly ownerIdentity: { readonly principalId: string };
      readonly arn: string;
    };
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly eTag?: string;
      readonly versionId?: string;
      readonly sequencer: string;
    };
  };
}

export interface StartS3Options {
  /** Where objects are kept (survives restarts). */
  readonly directory: string;
  /** 0 or omitted: a free port chosen by the OS. */
  readonly port?: number;
  /** Buckets created before the server accepts requests (existing ones are kept). */
  readonly buckets?: readonly string[];
  /** Every object event, unfiltered; see S3EventRecordLike for how it differs from AWS. */
  readonly onEvent?: (record: S3EventRecordLike) => void;
}

export interface StartedS3 {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  readonly server: S3rver;
  /** Creates a bucket if it does not exist (no client or credentials needed). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface S3rverNotification {
  readonly Records: readonly S3EventRecordLike[];
}

export async function startS3(options: StartS3Options): Promise<StartedS3> {
  await mkdir(options.directory, { recursive: true });
  patchListObjectsV2();
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const { onEvent } = options;
  if (onEvent) {
    server.on('event', (notification: S3rverNotification) => {
      for (const record of notification.Records) onEvent(record);
    });
  }
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port: address.port,
    server,
    async createBucket(name: string): Promise<void> {
      if (!(await server.store.getBucket(name))) await server.store.putBucket(name);
    },
    stop(): Promise<void> {
      stopped ??= server.close();
      return stopped;
    },
  };
}
