/**
 * ArtifactStore on S3. Stream bodies go through lib-storage's multipart Upload, hashed on the way, so a
 * CSV or dataset of any size is written with about partSize × (queueSize + 1) bytes in memory. The SDK's
 * commands are imported on first use (sdk.ts): the predict function imports this module and its cold
 * start must not load the SDK.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { NotFoundError, SynergyError } from '../core/errors.ts';
import type { ArtifactStore, ObjectRef, StoredObject, WriteOptions, Written } from '../core/ports.ts';
import { awsErrorName, isS3NotFound } from './aws-errors.ts';
import { s3Sdk, s3UploadSdk } from './sdk.ts';

export interface S3ArtifactStoreOptions {
  /** Multipart part size for stream bodies; S3's minimum (5 MiB) by default. */
  readonly partSize?: number;
  /** Parts uploaded in parallel. */
  readonly queueSize?: number;
  /** Keys per ListObjectsV2 page (S3 returns at most 1000). */
  readonly listPageSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

export const s3Uri = (ref: ObjectRef): string => `s3://${ref.bucket}/${ref.key}`;

export class S3ArtifactStore implements ArtifactStore {
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;

  constructor(
    private readonly s3: S3Client,
    options: S3ArtifactStoreOptions = {},
  ) {
    this.partSize = Math.max(options.partSize ?? MIN_PART_SIZE, MIN_PART_SIZE);
    this.queueSize = options.queueSize ?? 4;
    this.listPageSize = options.listPageSize ?? 1000;
  }

  async stream(ref: ObjectRef, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const body = await this.getBody(ref, signal);
    if (body === undefined) return Readable.from([]);
    if (!isAsyncIterable(body)) {
      throw new SynergyError(`S3 returned a body that cannot be streamed for ${s3Uri(ref)}`, {
        uri: s3Uri(ref),
      });
    }
    return body;
  }

  async readBytes(ref: ObjectRef, signal?: AbortSignal): Promise<Uint8Array> {
    const body = await this.getBody(ref, signal);
    return body === undefined ? new Uint8Array(0) : body.transformToByteArray();
  }

  async readJson(ref: ObjectRef, signal?: AbortSignal): Promise<unknown> {
    const text = new TextDecoder().decode(await this.readBytes(ref, signal));
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SynergyError(`${s3Uri(ref)} is not valid JSON`, { uri: s3Uri(ref) }, { cause: error });
    }
  }

  async head(ref: ObjectRef): Promise<StoredObject | undefined> {
    const { HeadObjectCommand } = await s3Sdk();
    try {
      const found = await this.s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return {
        ref,
        size: found.ContentLength ?? 0,
        ...(found.ETag === undefined ? {} : { etag: unquote(found.ETag) }),
        ...(found.VersionId === undefined ? {} : { versionId: found.VersionId }),
        metadata: lowerCaseKeys(found.Metadata ?? {}),
      };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  async write(
    ref: ObjectRef,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options: WriteOptions = {},
  ): Promise<Written> {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const { PutObjectCommand } = await s3Sdk();
      await this.mapNotFound(ref, () =>
        this.s3.send(new PutObjectCommand({ ...this.putParams(ref, options), Body: bytes })),
      );
      return { ref, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
    }
    return this.upload(ref, body, options);
  }

  writeJson(ref: ObjectRef, value: unknown): Promise<Written> {
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new SynergyError(`nothing to write to ${s3Uri(ref)}: the value has no JSON form`, {
        uri: s3Uri(ref),
      });
    }
    return this.write(ref, json, { contentType: 'application/json' });
  }

  async *list(bucket: string, prefix: string): AsyncIterable<StoredObject> {
    const { paginateListObjectsV2 } = await s3Sdk();
    const pages = paginateListObjectsV2(
      { client: this.s3, pageSize: this.listPageSize },
      { Bucket: bucket, Prefix: prefix },
    );
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          // ListObjectsV2 carries no user metadata; a HEAD per key would make listings O(n) requests.
          yield {
            ref: { bucket, key: object.Key },
            size: object.Size ?? 0,
            ...(object.ETag === undefined ? {} : { etag: unquote(object.ETag) }),
            metadata: {},
          };
        }
      }
    } catch (error) {
      if (isS3NotFound(error)) {
        throw new NotFoundError(
          `no bucket ${bucket} to list`,
          { uri: `s3://${bucket}/${prefix}` },
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async upload(
    ref: ObjectRef,
    body: AsyncIterable<Uint8Array>,
    options: WriteOptions,
  ): Promise<Written> {
    const hash = createHash('sha256');
    let size = 0;
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        hash.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
    }
    const { Upload } = await s3UploadSdk();
    const upload = new Upload({
      client: this.s3,
      params: { ...this.putParams(ref, options), Body: Readable.from(hashed()) },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    await this.mapNotFound(ref, () => upload.done());
    return { ref, sha256: hash.digest('hex'), size };
  }

  private putParams(ref: ObjectRef, options: WriteOptions) {
    return {
      Bucket: ref.bucket,
      Key: ref.key,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.metadata === undefined ? {} : { Metadata: { ...options.metadata } }),
    };
  }

  private async getBody(ref: ObjectRef, signal: AbortSignal | undefined) {
    const { GetObjectCommand } = await s3Sdk();
    const found = await this.mapNotFound(ref, () =>
      this.s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }), { abortSignal: signal }),
    );
    return found.Body;
  }

  private async mapNotFound<T>(ref: ObjectRef, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isS3NotFound(error)) throw error;
      const missing =
        awsErrorName(error) === 'NoSuchBucket'
          ? `no bucket ${ref.bucket} for ${s3Uri(ref)}`
          : `no object at ${s3Uri(ref)}`;
      throw new NotFoundError(missing, { uri: s3Uri(ref) }, { cause: error });
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** S3 returns ETags in quotes; S3 event notifications (and so run triggers) carry them bare. */
function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

function lowerCaseKeys(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key.toLowerCase(), value]));
}
