/**
 * Memory and time of the Prep step on a big upload: generates a CSV (default 1,000,000 rows × 20
 * columns: 18 numeric, 1 categorical, the label) into a temp folder and runs prepareRun on it. The goal
 * is ≤ 1 GiB peak RSS for 1M × 20; the script exits 1 above it.
 * - `--s3` (default): the embedded S3 (s3rver) runs in this process, the CSV is uploaded to it with a
 *   streamed multipart Upload, and Prep runs in a forked child (bench/prep-s3-child.ts) on the real
 *   S3ArtifactStore, so the RSS reported is the Prep code's alone, as in its Lambda.
 * - `--file`: Prep runs in this process on a folder-backed ArtifactStore (no server, no HTTP).
 *
 *   node --import tsx bench/prep.ts [rows] [--s3|--file]
 */
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Upload } from '@aws-sdk/lib-storage';
import { SynergyError } from '../layers/core/errors.ts';
import type { ObjectRef } from '../layers/core/ports.ts';
import { Random } from '../layers/ml/random.ts';
import { startS3 } from '../local/services/s3.ts';
import { FileArtifactStore } from './file-artifact-store.ts';
import { embeddedS3Client, measurePrep, type PrepMeasurement, type S3ChildTask } from './prep-s3-child.ts';

// The AWS SDK warns that its 2027 releases need Node 22 (the deploy target is 22); not this bench's news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GOAL_MIB = 1024;
const NUMERIC = 18;
const SITES = ['north', 'south', 'east', 'west', 'harbour', 'airport', 'mall', 'depot'];
const SOURCE: ObjectRef = { bucket: 'data', key: 'incoming/bench/big.csv' };

interface Options {
  readonly rows: number;
  readonly mode: 's3' | 'file';
}

function parseOptions(args: readonly string[]): Options {
  const positional = args.filter((arg) => !arg.startsWith('--'));
  const rows = Number(positional[0] ?? 1_000_000);
  if (!Number.isSafeInteger(rows) || rows < 10) {
    throw new SynergyError(`rows must be an integer ≥ 10, got ${positional[0]}`, { args });
  }
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--s3' && arg !== '--file');
  if (unknown.length > 0) throw new SynergyError(`unknown option ${unknown.join(' ')}`, { args });
  return { rows, mode: args.includes('--file') ? 'file' : 's3' };
}

async function writeCsv(path: string, rows: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const rng = new Random(1);
  const header = [...Array.from({ length: NUMERIC }, (_, j) => `f${j + 1}`), 'site', 'label'];
  let batch = `${header.join(',')}\n`;
  for (let i = 0; i < rows; i++) {
    let signal = 0;
    const cells: string[] = [];
    for (let j = 0; j < NUMERIC; j++) {
      const x = rng.normal();
      if (j < 4) signal += x;
      cells.push(rng.next() < 0.005 ? '' : x.toFixed(4));
    }
    cells.push(SITES[rng.int(SITES.length)]);
    cells.push(signal + rng.normal() < -1 ? 'late' : signal < 1 ? 'on_time' : 'early');
    batch += `${cells.join(',')}\n`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await new Promise<void>((resolve) => out.once('drain', resolve));
      batch = '';
    }
  }
  out.write(batch);
  await new Promise<void>((resolve) => out.end(resolve));
}

interface ModeResult {
  readonly uploadSeconds?: number;
  readonly prep: PrepMeasurement;
}

/** The CSV sits where the folder store maps SOURCE, and Prep runs in this process. */
async function runOnFiles(root: string, generate: (path: string) => Promise<void>): Promise<ModeResult> {
  await generate(join(root, SOURCE.bucket, SOURCE.key));
  return { prep: await measurePrep(new FileArtifactStore(root), SOURCE) };
}

async function runOnEmbeddedS3(root: string, generate: (path: string) => Promise<void>): Promise<ModeResult> {
  const csvPath = join(root, 'upload.csv');
  await generate(csvPath);
  const s3 = await startS3({ directory: join(root, 's3'), port: 0 });
  const client = embeddedS3Client(s3.endpoint);
  try {
    await s3.createBucket(SOURCE.bucket);
    const started = performance.now();
    const upload = new Upload({
      client,
      params: { Bucket: SOURCE.bucket, Key: SOURCE.key, Body: createReadStream(csvPath) },
    });
    await upload.done();
    const uploadSeconds = (performance.now() - started) / 1000;
    // From here on only the stored object is read; the local copy would just double the disk used.
    await rm(csvPath);
    const prep = await prepInChild({ endpoint: s3.endpoint, source: SOURCE });
    return { uploadSeconds, prep };
  } finally {
    client.destroy();
    await s3.stop();
  }
}

function prepInChild(task: S3ChildTask): Promise<PrepMeasurement> {
  const script = fileURLToPath(new URL('./prep-s3-child.ts', import.meta.url));
  const child = fork(script, [JSON.stringify(task)], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    let measurement: PrepMeasurement | undefined;
    child.once('message', (message) => {
      measurement = message as PrepMeasurement;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (measurement && code === 0) resolve(measurement);
      else
        reject(
          new SynergyError('the Prep child failed', { code, signal, measured: measurement !== undefined }),
        );
    });
  });
}

const options = parseOptions(process.argv.slice(2));
const loadBefore = loadavg();
const root = await mkdtemp(join(tmpdir(), 'synergy-prep-'));
let generated = { bytes: 0, seconds: 0 };
const generate = async (path: string): Promise<void> => {
  const started = performance.now();
  await writeCsv(path, options.rows);
  generated = { bytes: (await stat(path)).size, seconds: (performance.now() - started) / 1000 };
};
try {
  const run = options.mode === 's3' ? runOnEmbeddedS3 : runOnFiles;
  const { uploadSeconds, prep } = await run(root, generate);
  const peakRssMiB = Math.max(prep.maxRssMiB, prep.sampledPeakRssMiB);
  const loadAfter = loadavg();
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  const mib = (value: number): string => `${value.toFixed(0)} MiB`;
  const table: [string, string][] = [
    ['mode', options.mode === 's3' ? 'embedded S3, Prep in a child process' : 'folder store, in-process'],
    [
      'CSV',
      `${options.rows} rows × 20 columns, ${mb(generated.bytes)}, generated in ${generated.seconds.toFixed(1)} s`,
    ],
    ...(uploadSeconds === undefined ? [] : [['upload', `${uploadSeconds.toFixed(1)} s`] as [string, string]]),
    ['prepareRun', `${prep.seconds.toFixed(1)} s`],
    ['rows', `${prep.trainRows} train + ${prep.testRows} test, ${prep.features} features`],
    ['prepared.bin', mb(prep.preparedBinBytes)],
    ['holdout.jsonl', mb(prep.holdoutBytes)],
    ['RSS before', mib(prep.baselineRssMiB)],
    ['RSS peak sampled', mib(prep.sampledPeakRssMiB)],
    ['RSS max (kernel)', mib(prep.maxRssMiB)],
    ['goal', `${mib(peakRssMiB)} ${peakRssMiB <= GOAL_MIB ? '≤' : '>'} ${GOAL_MIB} MiB`],
    [
      'load average',
      `${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    ],
  ];
  const width = Math.max(...table.map(([label]) => label.length));
  for (const [label, value] of table) console.log(`${label.padEnd(width)}  ${value}`);
  const round = (value: number, digits: number): number => Number(value.toFixed(digits));
  console.log(
    JSON.stringify({
      bench: 'prep',
      mode: options.mode,
      rows: options.rows,
      csvBytes: generated.bytes,
      generateSeconds: round(generated.seconds, 2),
      ...(uploadSeconds === undefined ? {} : { uploadSeconds: round(uploadSeconds, 2) }),
      prepSeconds: round(prep.seconds, 2),
      trainRows: prep.trainRows,
      testRows: prep.testRows,
      features: prep.features,
      preparedBinBytes: prep.preparedBinBytes,
      holdoutBytes: prep.holdoutBytes,
      baselineRssMiB: round(prep.baselineRssMiB, 1),
      sampledPeakRssMiB: round(prep.sampledPeakRssMiB, 1),
      maxRssMiB: round(prep.maxRssMiB, 1),
      goalMiB: GOAL_MIB,
      withinGoal: peakRssMiB <= GOAL_MIB,
      loadAverage: { before: loadBefore.map((l) => round(l, 2)), after: loadAfter.map((l) => round(l, 2)) },
      node: process.version,
    }),
  );
  if (peakRssMiB > GOAL_MIB) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
