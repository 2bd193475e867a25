/**
 * An ArtifactStore over a local folder (`<root>/<bucket>/<key>`, metadata in a `.meta.json` sidecar), so
 * the prep benchmark streams real files the way the S3 adapter streams objects, without a server.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { NotFoundError } from '../layers/core/errors.ts';
import type { ArtifactStore, ObjectRef, StoredObject, WriteOptions, Written } from '../layers/core/ports.ts';

const META = '.meta.json';

export class FileArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  private path(ref: ObjectRef): string {
    return join(this.root, ref.bucket, ref.key);
  }

  async stream(ref: ObjectRef): Promise<AsyncIterable<Uint8Array>> {
    await this.mustExist(ref);
    return createReadStream(this.path(ref));
  }

  async readBytes(ref: ObjectRef): Promise<Uint8Array> {
    await this.mustExist(ref);
    return readFile(this.path(ref));
  }

  async readJson(ref: ObjectRef): Promise<unknown> {
    return JSON.parse(new TextDecoder().decode(await this.readBytes(ref)));
  }

  async head(ref: ObjectRef): Promise<StoredObject | undefined> {
    try {
      const info = await stat(this.path(ref));
      const metadata = JSON.parse(await readFile(this.path(ref) + META, 'utf8').catch(() => '{}')) as Record<
        string,
        string
      >;
      return { ref, size: info.size, metadata };
    } catch {
      return undefined;
    }
  }

  async write(
    ref: ObjectRef,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options: WriteOptions = {},
  ): Promise<Written> {
    const path = this.path(ref);
    await mkdir(dirname(path), { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    const out = createWriteStream(path);
    const put = async (chunk: Uint8Array): Promise<void> => {
      hash.update(chunk);
      size += chunk.byteLength;
      // Waiting for drain keeps memory flat, as a multipart upload does.
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
    };
    if (typeof body === 'string') await put(Buffer.from(body));
    else if (body instanceof Uint8Array) await put(body);
    else for await (const chunk of body) await put(chunk);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await writeFile(path + META, JSON.stringify(options.metadata ?? {}));
    return { ref, sha256: hash.digest('hex'), size };
  }

  async writeJson(ref: ObjectRef, value: unknown): Promise<Written> {
    return this.write(ref, JSON.stringify(value), { contentType: 'application/json' });
  }

  async *list(bucket: string, prefix: string): AsyncIterable<StoredObject> {
    const base = join(this.root, bucket);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    const keys = entries
      .filter((e) => e.isFile() && !e.name.endsWith(META))
      .map((e) => relative(base, join(e.parentPath, e.name)))
      .filter((key) => key.startsWith(prefix))
      .sort();
    for (const key of keys) {
      const found = await this.head({ bucket, key });
      if (found) yield found;
    }
  }

  private async mustExist(ref: ObjectRef): Promise<void> {
    if (!(await this.head(ref))) {
      throw new NotFoundError(`no object at s3://${ref.bucket}/${ref.key}`, {
        bucket: ref.bucket,
        key: ref.key,
      });
    }
  }
}
