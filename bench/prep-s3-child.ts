/**
 * The Prep Lambda's share of bench/prep.ts: runs prepareRun on one uploaded CSV and measures its wall
 * time and memory. bench/prep.ts forks this file for the S3 mode, so the RSS measured is that of the Prep
 * code alone (the embedded S3 server lives in the parent), as a Lambda's would be; the file mode calls
 * measurePrep in-process.
 *
 *   forked with one argument: JSON of S3ChildTask; answers one PrepMeasurement over IPC.
 */
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ArtifactStore } from '../layers/aws/s3-artifact-store.ts';
import { SynergyError } from '../layers/core/errors.ts';
import { prepareRun } from '../layers/core/pipeline/prepare-run.ts';
import type { ArtifactStore, ObjectRef } from '../layers/core/ports.ts';
import { FixedClock, MemoryExperiments } from '../test/support/memory-ports.ts';

export interface S3ChildTask {
  /** `http://127.0.0.1:<port>` of the embedded S3. */
  readonly endpoint: string;
  /** The uploaded CSV; Prep's outputs go to the same bucket. */
  readonly source: ObjectRef;
}

export interface PrepMeasurement {
  readonly seconds: number;
  /** RSS just before prepareRun. */
  readonly baselineRssMiB: number;
  /** Highest RSS seen by a 50 ms sampler during prepareRun. */
  readonly sampledPeakRssMiB: number;
  /** The kernel's high-water mark for the whole process (`process.resourceUsage().maxRSS`). */
  readonly maxRssMiB: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly features: number;
  readonly preparedBinBytes: number;
  readonly holdoutBytes: number;
}

const SAMPLE_EVERY_MS = 50;
const toMiB = (bytes: number): number => bytes / 2 ** 20;

export async function measurePrep(artifacts: ArtifactStore, source: ObjectRef): Promise<PrepMeasurement> {
  const deps = {
    artifacts,
    experiments: new MemoryExperiments(),
    clock: new FixedClock(),
    bucket: source.bucket,
  };
  const request = {
    modelName: 'bench',
    trigger: { kind: 'upload' as const, bucket: source.bucket, key: source.key, etag: 'bench' },
  };
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_EVERY_MS);
  const started = performance.now();
  try {
    const out = await prepareRun(deps, { runId: 'bench-prep', request });
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      seconds,
      baselineRssMiB: toMiB(baseline),
      sampledPeakRssMiB: toMiB(peak),
      // maxRSS is in KiB.
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      trainRows: out.trainRows,
      testRows: out.testRows,
      features: out.features,
      preparedBinBytes: await sizeOf(artifacts, out.dataset),
      holdoutBytes: await sizeOf(artifacts, out.holdout),
    };
  } finally {
    clearInterval(sampler);
  }
}

async function sizeOf(artifacts: ArtifactStore, ref: ObjectRef): Promise<number> {
  const found = await artifacts.head(ref);
  if (!found) throw new SynergyError('Prep reported an output that is not in the store', { ...ref });
  return found.size;
}

/** A client for the embedded S3 (s3rver): path-style, fixed credentials, no streamed checksums. */
export function embeddedS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function runForkedTask(send: NonNullable<typeof process.send>): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as S3ChildTask;
  const s3 = embeddedS3Client(task.endpoint);
  try {
    const measurement = await measurePrep(new S3ArtifactStore(s3), task.source);
    await new Promise<void>((resolve, reject) =>
      send(measurement, undefined, {}, (error) => (error ? reject(error) : resolve())),
    );
  } finally {
    s3.destroy();
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  if (!process.send) throw new SynergyError('bench/prep-s3-child.ts must be forked by bench/prep.ts');
  await runForkedTask(process.send.bind(process));
  process.disconnect?.();
}
