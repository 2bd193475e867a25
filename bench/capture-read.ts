/**
 * Reading a monitoring window of capture back (the monitor's and the feedback join's first step).
 *
 *   node --import tsx bench/capture-read.ts [--rows 200000] [--runs 3]
 *
 * Writes `rows` captured rows (15 numeric and 5 categorical inputs, as the predict function captures them)
 * as JSONL objects of 1,000 rows — the capture buffer's batch — under a temporary folder, read through an
 * ArtifactStore over files (64 KiB chunks, like an S3 body stream). Times, best of `runs`, in µs per row:
 * - readCapture over the whole window (the monitor's path: list, stream, split lines, parse, check, window);
 * - the floor of any JSON-lines reader: the same files read whole, split on newlines and JSON.parse'd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCapture } from '../layers/core/monitoring/capture-reader.ts';
import { captureKey } from '../layers/core/serving/capture-key.ts';
import type { CapturedRow } from '../layers/core/serving/deps.ts';
import { Random } from '../layers/ml/random.ts';
import { FileArtifactStore } from './file-artifact-store.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '200000' }, runs: { type: 'string', default: '3' } },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const BUCKET = 'bench';
const MODEL = 'capture-read';
const ROWS_PER_OBJECT = 1000;
const LEVELS = ['north', 'south', 'east', 'west', 'central', 'remote'];

function capturedRow(random: Random, index: number, at: Date): CapturedRow {
  const input: Record<string, number | string | null> = {};
  for (let j = 0; j < 15; j++) input[`x${j}`] = random.normal() * (j + 1) + j;
  for (let j = 0; j < 5; j++) input[`c${j}`] = LEVELS[Math.floor(random.next() * LEVELS.length)];
  const p = random.next();
  return {
    requestId: `req-${Math.floor(index / 2)}`,
    row: index % 2,
    at: at.toISOString(),
    model: MODEL,
    version: 3,
    alias: 'champion',
    input,
    prediction: p > 0.5 ? 'on_time' : 'late',
    probabilities: { late: 1 - p, on_time: p },
  };
}

async function writeWindow(store: FileArtifactStore, start: Date): Promise<string[]> {
  const random = new Random(11);
  const keys: string[] = [];
  for (let first = 0; first < rows; first += ROWS_PER_OBJECT) {
    // One object per second of the window; each row scored within that second.
    const flushed = new Date(start.getTime() + (first / ROWS_PER_OBJECT + 1) * 1000);
    const lines: string[] = [];
    for (let i = first; i < Math.min(rows, first + ROWS_PER_OBJECT); i++) {
      lines.push(JSON.stringify(capturedRow(random, i, new Date(flushed.getTime() - 500))));
    }
    const key = captureKey(MODEL, flushed, `obj${String(keys.length).padStart(6, '0')}`);
    await store.write({ bucket: BUCKET, key }, `${lines.join('\n')}\n`);
    keys.push(key);
  }
  return keys;
}

async function timeReadCapture(store: FileArtifactStore, from: Date, to: Date): Promise<number> {
  const started = performance.now();
  let seen = 0;
  const capture = readCapture({ artifacts: store, bucket: BUCKET }, MODEL, from, to);
  for await (const _row of capture) seen++;
  if (seen !== rows) throw new Error(`readCapture yielded ${seen} rows, wrote ${rows}`);
  return ((performance.now() - started) * 1000) / rows;
}

async function timeParseFloor(store: FileArtifactStore, keys: readonly string[]): Promise<number> {
  const started = performance.now();
  let seen = 0;
  const decoder = new TextDecoder();
  for (const key of keys) {
    const text = decoder.decode(await store.readBytes({ bucket: BUCKET, key }));
    for (const line of text.split('\n')) {
      if (line === '') continue;
      JSON.parse(line);
      seen++;
    }
  }
  if (seen !== rows) throw new Error(`the floor parsed ${seen} rows, wrote ${rows}`);
  return ((performance.now() - started) * 1000) / rows;
}

const root = mkdtempSync(join(tmpdir(), 'synergy-capture-read-'));
try {
  const store = new FileArtifactStore(root);
  const from = new Date('2026-11-26T10:00:00.000Z');
  const keys = await writeWindow(store, from);
  const to = new Date(from.getTime() + (keys.length + 2) * 1000);
  const reader: number[] = [];
  const floor: number[] = [];
  for (let run = 0; run < runs; run++) {
    reader.push(await timeReadCapture(store, from, to));
    floor.push(await timeParseFloor(store, keys));
  }
  const best = (xs: number[]) => Math.min(...xs).toFixed(2);
  console.log(`${rows} rows in ${keys.length} objects, best of ${runs}:`);
  console.log(
    `  readCapture:                   ${best(reader)} µs per row  (runs: ${reader.map((x) => x.toFixed(2)).join(', ')})`,
  );
  console.log(
    `  read whole + split + JSON.parse: ${best(floor)} µs per row  (runs: ${floor.map((x) => x.toFixed(2)).join(', ')})`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
