import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  describeSource,
  retrainingSource,
  type SourceTally,
} from '../../../layers/core/monitoring/retraining-source.ts';
import { labelledKey } from '../../../layers/core/pipeline/keys.ts';
import type { ObjectRef } from '../../../layers/core/ports.ts';
import { readCsv } from '../../../layers/ml/data/csv-records.ts';
import { MemoryArtifactStore } from '../../support/memory-ports.ts';

const BUCKET = 'data';
const DATASET: ObjectRef = { bucket: BUCKET, key: 'incoming/m/2026-01.csv' };

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

/** Parses CSV text the way prep does: header, then records. */
async function recordsOf(csv: string): Promise<string[][]> {
  const records: string[][] = [];
  await readCsv(csv, {
    header(fields) {
      records.push(fields);
    },
    record(fields) {
      records.push(fields);
    },
  });
  return records;
}

function store(dataset: string, labelled: Record<string, string>): MemoryArtifactStore {
  const artifacts = new MemoryArtifactStore();
  artifacts.put(DATASET, dataset);
  for (const [id, body] of Object.entries(labelled))
    artifacts.put({ bucket: BUCKET, key: labelledKey('m', id) }, body);
  return artifacts;
}

describe('retrainingSource', () => {
  it('appends the labelled rows in the dataset’s column order, files sorted by key', async () => {
    const artifacts = store('a,b,label\n1,x,yes\n2,y,no', {
      // Sorted after "a-…": its rows come last. Columns in another order, one needing quotes.
      'b-second': 'b,a,label\nz,"3,5",yes\n"say ""hi""",6,no\n',
      // A column the dataset lacks (dropped) and one missing (left empty).
      'a-first': 'a,extra,label\n4,ignored,no\n',
    });
    artifacts.put({ bucket: BUCKET, key: 'monitoring/m/labelled/notes.txt' }, 'not a csv');
    const source = await retrainingSource({ artifacts, bucket: BUCKET }, 'm', DATASET);
    expect(source.header).toEqual(['a', 'b', 'label']);
    expect(source.labelled.map((o) => o.ref.key)).toEqual([
      labelledKey('m', 'a-first'),
      labelledKey('m', 'b-second'),
    ]);
    const tally: SourceTally = { labelledRows: 0, skippedFiles: [] };
    const text = await bytesOf(source.stream(undefined, tally));
    // The dataset has no final newline: one is added before the first appended row.
    expect(text).toBe('a,b,label\n1,x,yes\n2,y,no\n4,,no\n"3,5",z,yes\n6,"say ""hi""",no\n');
    expect(tally).toEqual({ labelledRows: 3, skippedFiles: [] });
    expect(await recordsOf(text)).toEqual([
      ['a', 'b', 'label'],
      ['1', 'x', 'yes'],
      ['2', 'y', 'no'],
      ['4', '', 'no'],
      ['3,5', 'z', 'yes'],
      ['6', 'say "hi"', 'no'],
    ]);
  });

  it('gives the same bytes on every stream, and the dataset unchanged when there is no feedback', async () => {
    const dataset = '\uFEFF"x,1",y\r\n1,a\r\n2,b\r\n';
    const withFeedback = store(dataset, { f: 'y,"x,1"\nc,3\n' });
    const source = await retrainingSource({ artifacts: withFeedback, bucket: BUCKET }, 'm', DATASET);
    expect(source.header).toEqual(['x,1', 'y']);
    const first = await bytesOf(source.stream());
    expect(await bytesOf(source.stream())).toBe(first);
    // The dataset's bytes are kept as they are (BOM, CRLF); appended rows use LF, which prep reads too.
    expect(first).toBe(`${dataset}3,c\n`);

    const alone = store(dataset, {});
    const plain = await retrainingSource({ artifacts: alone, bucket: BUCKET }, 'm', DATASET);
    const bytes = await bytesOf(plain.stream());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      createHash('sha256').update(dataset).digest('hex'),
    );
  });

  it('leaves out a labelled file whose target the dataset does not have, and says so', async () => {
    const artifacts = store('a,label\n1,yes\n', {
      old: 'a,outcome\n2,no\n',
      ok: 'a,label\n3,no\n',
    });
    const source = await retrainingSource({ artifacts, bucket: BUCKET }, 'm', DATASET);
    const tally: SourceTally = { labelledRows: 0, skippedFiles: [] };
    expect(await bytesOf(source.stream(undefined, tally))).toBe('a,label\n1,yes\n3,no\n');
    expect(tally).toEqual({ labelledRows: 1, skippedFiles: [`s3://${BUCKET}/${labelledKey('m', 'old')}`] });
    expect(describeSource(source, 'digest', tally)).toEqual({
      dataset: `s3://${BUCKET}/${DATASET.key}`,
      labelled: source.labelled.map((o) => ({
        uri: `s3://${BUCKET}/${o.ref.key}`,
        size: o.size,
        etag: o.etag,
      })),
      labelledRows: 1,
      skippedFiles: tally.skippedFiles,
      digest: 'digest',
    });
  });

  it('streams large feedback files in pieces, every row intact', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},"v ${i}, ""q""",${i % 2 === 0 ? 'yes' : 'no'}`);
    const artifacts = store('a,b,label\n0,first,yes\n', { big: `label,b,a\n${rows.map(reorder).join('')}` });
    const source = await retrainingSource({ artifacts, bucket: BUCKET }, 'm', DATASET);
    const pieces: number[] = [];
    for await (const chunk of source.stream()) pieces.push(chunk.byteLength);
    expect(pieces.length).toBeGreaterThan(2);
    const text = await bytesOf(source.stream());
    expect(text).toBe(`a,b,label\n0,first,yes\n${rows.map((r) => `${r}\n`).join('')}`);
  });

  it('only reads from the model’s own labelled folder', async () => {
    const artifacts = store('a,label\n1,yes\n', {});
    artifacts.put({ bucket: BUCKET, key: labelledKey('m-other', 'x') }, 'a,label\n9,no\n');
    const source = await retrainingSource({ artifacts, bucket: BUCKET }, 'm', DATASET);
    expect(source.labelled).toEqual([]);
    expect(await bytesOf(source.stream())).toBe('a,label\n1,yes\n');
  });
});

/** `a,"b",label` as the labelled file writes it: `label,"b",a`. */
function reorder(row: string): string {
  const first = row.indexOf(',');
  const last = row.lastIndexOf(',');
  return `${row.slice(last + 1)},${row.slice(first + 1, last)},${row.slice(0, first)}\n`;
}
