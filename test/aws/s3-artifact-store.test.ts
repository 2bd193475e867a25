import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ArtifactStore } from '../../layers/aws/s3-artifact-store.ts';
import { NotFoundError, SynergyError } from '../../layers/core/errors.ts';
import { DATA_BUCKET, type LocalServices, startLocalServices } from '../support/local-services.ts';

let services: LocalServices;
let store: S3ArtifactStore;

beforeAll(async () => {
  services = await startLocalServices();
  store = new S3ArtifactStore(services.s3, { listPageSize: 2 });
});

afterAll(async () => {
  await services?.stop();
});

/** Deterministic bytes that no run of zeros or repeated block could fake. */
function pseudoRandomBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** Chunks of uneven sizes, so part boundaries fall inside chunks. */
async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  const sizes = [65_536, 1_000_003, 17, 333_333];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe('S3ArtifactStore on s3rver', () => {
  it('streams a multi-part body up and reads it back byte-identical, with its sha256', async () => {
    const bytes = pseudoRandomBytes(12 * 1024 * 1024 + 12_345, 7);
    const ref = { bucket: DATA_BUCKET, key: 'runs/r1/prepared.bin' };

    const written = await store.write(ref, chunksOf(bytes), { contentType: 'application/octet-stream' });

    expect(written).toEqual({ ref, sha256: sha256(bytes), size: bytes.length });
    const readBack = await store.readBytes(ref);
    expect(readBack.length).toBe(bytes.length);
    expect(Buffer.compare(readBack, bytes)).toBe(0);
    expect(sha256(await collect(await store.stream(ref)))).toBe(sha256(bytes));
    // The file s3rver keeps is the object itself: no aws-chunked framing (`<hex>;chunk-signature=…`).
    const onDisk = await readFile(
      join(services.directory, 's3', DATA_BUCKET, 'runs', 'r1', 'prepared.bin._S3rver_object'),
    );
    expect(Buffer.compare(onDisk, bytes)).toBe(0);
    // It went up as a multipart upload (completed uploads are ObjectCreated:Post in s3rver).
    expect(
      services.s3Events.some((e) => e.eventName === 'ObjectCreated:Post' && e.s3.object.key === ref.key),
    ).toBe(true);
  });

  it('writes a string and a byte array with one PutObject, keeping content type and metadata', async () => {
    const ref = { bucket: DATA_BUCKET, key: 'models/iris/1/model.json' };
    const text = '{"format":"synergy-model","π":3.14}';
    const written = await store.write(ref, text, {
      contentType: 'application/json',
      metadata: { 'Run-Id': 'r1', sha: 'x' },
    });
    expect(written.sha256).toBe(sha256(Buffer.from(text, 'utf8')));
    expect(written.size).toBe(Buffer.byteLength(text));

    const head = await store.head(ref);
    expect(head).toMatchObject({
      ref,
      size: Buffer.byteLength(text),
      metadata: { 'run-id': 'r1', sha: 'x' },
    });
    expect(head?.etag).toBe(createHash('md5').update(text).digest('hex'));
    expect(await store.readJson(ref)).toEqual({ format: 'synergy-model', π: 3.14 });

    const bytes = pseudoRandomBytes(1000, 3);
    const binary = await store.write({ bucket: DATA_BUCKET, key: 'small.bin' }, bytes);
    expect(binary.sha256).toBe(sha256(bytes));
    expect(Buffer.compare(await store.readBytes({ bucket: DATA_BUCKET, key: 'small.bin' }), bytes)).toBe(0);
  });

  it('round-trips JSON and refuses to parse a non-JSON object', async () => {
    const ref = { bucket: DATA_BUCKET, key: 'runs/r2/cells.json' };
    const cells = [{ model: 'knn', params: { k: 3 }, fold: 0 }];
    const written = await store.writeJson(ref, cells);
    expect(written.sha256).toBe(sha256(Buffer.from(JSON.stringify(cells))));
    expect(await store.readJson(ref)).toEqual(cells);

    const broken = { bucket: DATA_BUCKET, key: 'runs/r2/broken.json' };
    await store.write(broken, '{"cut":');
    const error = await store.readJson(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynergyError);
    expect((error as Error).message).toContain(`s3://${DATA_BUCKET}/runs/r2/broken.json`);
  });

  it('maps a missing object or bucket to NotFoundError naming the s3:// URI, and head to undefined', async () => {
    const missing = { bucket: DATA_BUCKET, key: 'runs/nope/prepared.bin' };
    for (const read of [
      () => store.readBytes(missing),
      () => store.stream(missing),
      () => store.readJson(missing),
    ]) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toContain(`s3://${DATA_BUCKET}/runs/nope/prepared.bin`);
      expect((error as NotFoundError).cause).toBeDefined();
    }
    expect(await store.head(missing)).toBeUndefined();

    const noBucket = { bucket: 'no-such-bucket', key: 'a.csv' };
    await expect(store.readBytes(noBucket)).rejects.toThrow(NotFoundError);
    await expect(store.write(noBucket, 'a')).rejects.toThrow(
      /no bucket no-such-bucket for s3:\/\/no-such-bucket\/a\.csv/,
    );
  });

  it('lists every object under a prefix across pages, and nothing else', async () => {
    const keys = [
      'capture/iris/a.jsonl',
      'capture/iris/b.jsonl',
      'capture/iris/c.jsonl',
      'capture/iris/d/e.jsonl',
      'capture/iris/f.jsonl',
    ];
    for (const key of keys) await store.write({ bucket: DATA_BUCKET, key }, key);
    await store.write({ bucket: DATA_BUCKET, key: 'capture/iriss/x.jsonl' }, 'other prefix');

    const listed = [];
    for await (const object of store.list(DATA_BUCKET, 'capture/iris/')) listed.push(object);

    expect(listed.map((o) => o.ref.key)).toEqual([...keys].sort());
    expect(listed.map((o) => o.size)).toEqual([...keys].sort().map((k) => k.length));
    expect(listed.every((o) => o.ref.bucket === DATA_BUCKET && typeof o.etag === 'string')).toBe(true);
  });
});
