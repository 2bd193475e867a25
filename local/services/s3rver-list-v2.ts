/**
 * s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node ≥ 17) no
 * longer provides: every truncated ListObjectsV2 page (more keys than MaxKeys, so any listing past 1000
 * keys) fails with 500 InternalError ("digital envelope routines::unsupported"). This replaces s3rver's
 * list handler for list-type=2 with one whose token is the base64 of the last key returned, listing
 * through s3rver's own store so results are otherwise the same. Version 1 listings still go to s3rver.
 */
import { createRequire } from 'node:module';

interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModifiedDate: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

interface ListContext {
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly params: { readonly bucket: string };
  readonly store: {
    listObjects(
      bucket: string,
      options: { delimiter?: string; startAfter?: string; prefix?: string; maxKeys: number },
    ): Promise<{ objects: ListedObject[]; commonPrefixes: string[]; isTruncated: boolean }>;
  };
  body: unknown;
}

interface BucketController {
  getBucket(ctx: ListContext): Promise<void>;
}

const PATCHED = Symbol.for('synergy.s3rver.listV2Patched');

/** Idempotent: s3rver's controllers are module singletons, patched once per process. */
export function patchListObjectsV2(): void {
  const controller = createRequire(import.meta.url)('s3rver/lib/controllers/bucket.js') as BucketController &
    Record<symbol, boolean>;
  if (controller[PATCHED]) return;
  const original = controller.getBucket.bind(controller);
  controller.getBucket = (ctx) => (ctx.query['list-type'] === '2' ? listV2(ctx, original) : original(ctx));
  controller[PATCHED] = true;
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

async function listV2(ctx: ListContext, original: (ctx: ListContext) => Promise<void>): Promise<void> {
  const maxKeysParam = single(ctx.query['max-keys']);
  const requestedMaxKeys = maxKeysParam === undefined ? 1000 : Number(maxKeysParam);
  // Invalid arguments: s3rver's handler rejects them (before it ever needs a token).
  if (!Number.isInteger(requestedMaxKeys) || requestedMaxKeys < 0 || 'marker' in ctx.query)
    return original(ctx);
  const token = single(ctx.query['continuation-token']) || undefined;
  const startAfter =
    token === undefined ? single(ctx.query['start-after']) : Buffer.from(token, 'base64url').toString('utf8');
  const prefix = single(ctx.query.prefix) || undefined;
  const delimiter = single(ctx.query.delimiter) || undefined;
  const maxKeys = Math.min(1000, requestedMaxKeys);
  const result =
    maxKeys === 0
      ? { objects: [], commonPrefixes: [], isTruncated: false }
      : await ctx.store.listObjects(ctx.params.bucket, { delimiter, startAfter, prefix, maxKeys });
  const last = result.objects.at(-1)?.key;
  ctx.body = {
    ListBucketResult: {
      '@': { xmlns: 'http://doc.s3.amazonaws.com/2006-03-01/' },
      Name: ctx.params.bucket,
      Prefix: prefix ?? '',
      StartAfter: token === undefined ? startAfter : undefined,
      ContinuationToken: token,
      NextContinuationToken:
        result.isTruncated && last !== undefined
          ? Buffer.from(last, 'utf8').toString('base64url')
          : undefined,
      KeyCount: result.objects.length,
      MaxKeys: maxKeysParam ?? 1000,
      Delimiter: delimiter,
      IsTruncated: result.isTruncated,
      Contents: result.objects.map((object) => ({
        Key: object.key,
        LastModified: object.lastModifiedDate.toISOString(),
        ETag: object.metadata.etag,
        Size: object.size,
        StorageClass: 'STANDARD',
      })),
      CommonPrefixes: result.commonPrefixes.map((commonPrefix) => ({ Prefix: commonPrefix })),
    },
  };
}
