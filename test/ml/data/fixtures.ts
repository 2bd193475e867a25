/** Test helpers: fixture paths and sources that stream the way files and S3 objects do. */
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const vegaDataDir = fileURLToPath(
  new URL('../../../node_modules/vega-datasets/data/', import.meta.url),
);

export function fixtureText(relative: string): string {
  return readFileSync(`${fixturesDir}${relative}`, 'utf8');
}

/** A file as a byte stream, like an fs or S3 body. */
export function fileStream(path: string, chunkBytes = 64 * 1024): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: chunkBytes });
}

/** Bytes in chunks of `size`, so chunk edges fall inside quotes, CRLFs and multi-byte characters. */
export async function* bytesInChunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Text in string chunks of `size` code units. */
export async function* stringsInChunks(text: string, size: number): AsyncGenerator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

/** Records as a CSV with every field quoted (quotes doubled); null/undefined become empty cells. */
export function toCsv(columns: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  const quote = (v: unknown): string =>
    v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`;
  const lines = [columns.map(quote).join(',')];
  for (const r of records) lines.push(columns.map((c) => quote(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
