/**
 * The serverless path's overhead: the full paper grid on a small real CSV, once through the embedded
 * stack (upload → S3 notification → startRun → Step Functions → Lambda sandboxes → registry, timed from
 * the upload to SUCCEEDED) and once in-process (`synergy train`, a worker pool of the same size), in the
 * same process, alternating. Checks both give the same leaderboard. Goal: serverless ≤ 1.30 × in-process.
 *
 *   node --import tsx bench/pipeline.ts [--csv file --target col] [--repeat 2]
 *
 * Default data: scikit-learn's copy of the Wisconsin breast-cancer data (569 rows × 30 numeric features),
 * read from Debian's python3-sklearn when installed; else vega-datasets' penguins (344 rows).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { followRun, waitForUploadRun } from '../bin/stack/follow-run.ts';
import { createDocumentClient } from '../layers/aws/document-client.ts';
import { DynamoExperiments } from '../layers/aws/dynamo-experiments.ts';
import { S3ArtifactStore } from '../layers/aws/s3-artifact-store.ts';
import { refOfUri } from '../layers/core/pipeline/keys.ts';
import { trainInProcess } from '../layers/core/training/train-in-process.ts';
import { tableName } from '../local/config/stack-config.ts';
import { startLocalStack } from '../local/stack.ts';
import { breastCancer, penguins, SKLEARN_BREAST_CANCER } from './datasets.ts';

// The AWS SDK warns that its 2027 releases need Node 22 (the deploy target is 22); not this bench's news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    csv: { type: 'string' },
    target: { type: 'string' },
    repeat: { type: 'string', default: '2' },
  },
});
const data = values.csv
  ? { name: values.csv, csv: readFileSync(values.csv, 'utf8'), target: values.target }
  : existsSync(SKLEARN_BREAST_CANCER)
    ? breastCancer()
    : penguins();
const repeat = Number(values.repeat);
const workers = availableParallelism();

const root = join(import.meta.dirname, '..');
const stateDir = await mkdtemp(join(tmpdir(), 'synergy-bench-'));
const t0 = performance.now();
const stack = await startLocalStack({ root, stateDir });
const startupSeconds = (performance.now() - t0) / 1000;
const experiments = new DynamoExperiments(
  createDocumentClient(stack.clients.dynamodb),
  tableName(stack.config, 'RunsTable'),
);
const artifacts = new S3ArtifactStore(stack.clients.s3);

type Row = { model: string; params: unknown; cvAccuracy: number; testAccuracy: number };
const key = (rows: Row[]) =>
  JSON.stringify(rows.map((r) => [r.model, r.params, r.cvAccuracy, r.testAccuracy]));

async function serverless(i: number): Promise<{ seconds: number; leaderboard: Row[] }> {
  const dataset = `bench-${i}`;
  const objectKey = `incoming/${dataset}/data.csv`;
  const started = performance.now();
  const put = await stack.clients.s3.send(
    new PutObjectCommand({
      Bucket: stack.endpoints.bucket,
      Key: objectKey,
      Body: data.csv,
      ...(data.target ? { Metadata: { target: data.target } } : {}),
    }),
  );
  const run0 = await waitForUploadRun(
    experiments,
    { modelName: dataset, key: objectKey, etag: put.ETag ?? '' },
    { pollMs: 20 },
  );
  const run = await followRun(experiments, run0.runId, () => {}, { pollMs: 50 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 'SUCCEEDED') throw new Error(`run ${run.runId} ${run.status}: ${run.error?.message}`);
  const leaderboard = (await artifacts.readJson(refOfUri(run.result?.leaderboardUri ?? ''))) as Row[];
  return { seconds, leaderboard };
}

async function inProcess(): Promise<{ seconds: number; leaderboard: Row[] }> {
  const started = performance.now();
  const result = await trainInProcess(data.csv, { target: data.target, workers });
  return { seconds: (performance.now() - started) / 1000, leaderboard: [...result.leaderboard] };
}

const rows: Array<{ i: number; inProcess: number; serverless: number; ratio: number; same: boolean }> = [];
try {
  for (let i = 0; i < repeat; i++) {
    // Alternate the order so neither path always runs on a warmer machine.
    const a = i % 2 === 0 ? await inProcess() : undefined;
    const s = await serverless(i);
    const b = a ?? (await inProcess());
    rows.push({
      i,
      inProcess: b.seconds,
      serverless: s.seconds,
      ratio: s.seconds / b.seconds,
      same: key(s.leaderboard) === key(b.leaderboard),
    });
  }
} finally {
  await stack.stop();
  await rm(stateDir, { recursive: true, force: true });
}

console.log(
  `data: ${data.name}; full paper grid (38 configurations × 5 folds + 9 refits); ${workers} workers / sandboxes`,
);
console.log(
  `stack startup (not counted): ${startupSeconds.toFixed(1)} s; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('run  in-process s  serverless s  ratio  same leaderboard');
for (const r of rows) {
  console.log(
    `${String(r.i).padStart(3)}  ${r.inProcess.toFixed(2).padStart(12)}  ${r.serverless.toFixed(2).padStart(12)}  ${r.ratio.toFixed(2).padStart(5)}  ${r.same}`,
  );
}
const best = Math.min(...rows.map((r) => r.ratio));
const median = rows.map((r) => r.ratio).sort((x, y) => x - y)[Math.floor(rows.length / 2)];
console.log(JSON.stringify({ data: data.name, rows, bestRatio: best, medianRatio: median, goal: 1.3 }));
if (rows.some((r) => !r.same)) {
  console.error('the serverless and in-process leaderboards differ');
  process.exitCode = 1;
}
