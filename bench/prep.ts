/**
 * Memory and time of the Prep step on a big upload: generates a CSV (default 1,000,000 rows × 20
 * columns: 18 numeric, 1 categorical, the label) into a temp folder and runs prepareRun on it through a
 * file-backed ArtifactStore, sampling the RSS. The goal is ≤ 1 GB RSS for 1M × 20.
 *
 *   node --import tsx bench/prep.ts [rows]
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRun } from '../layers/core/pipeline/prepare-run.ts';
import { Random } from '../layers/ml/random.ts';
import { FixedClock, MemoryExperiments } from '../test/support/memory-ports.ts';
import { FileArtifactStore } from './file-artifact-store.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const NUMERIC = 18;
const SITES = ['north', 'south', 'east', 'west', 'harbour', 'airport', 'mall', 'depot'];

async function writeCsv(path: string): Promise<void> {
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

const root = await mkdtemp(join(tmpdir(), 'synergy-prep-'));
try {
  const csvPath = join(root, 'data', 'incoming', 'bench', 'big.csv');
  await new FileArtifactStore(root).write({ bucket: 'data', key: 'incoming/bench/.keep' }, '');
  const t0 = performance.now();
  await writeCsv(csvPath);
  const csvBytes = (await stat(csvPath)).size;
  console.log(
    `generated ${rows} rows, ${(csvBytes / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const t1 = performance.now();
  const deps = {
    artifacts: new FileArtifactStore(root),
    experiments: new MemoryExperiments(),
    clock: new FixedClock(),
    bucket: 'data',
  };
  const out = await prepareRun(deps, {
    runId: 'bench-prep',
    request: {
      modelName: 'bench',
      trigger: { kind: 'upload', bucket: 'data', key: 'incoming/bench/big.csv', etag: 'e' },
    },
  });
  const seconds = (performance.now() - t1) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const size = async (key: string) => ((await stat(join(root, 'data', key))).size / 1e6).toFixed(0);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `prepareRun: ${seconds.toFixed(1)} s; ${out.trainRows}+${out.testRows} rows × ${out.features} features`,
  );
  console.log(
    `outputs: prepared.bin ${await size(out.dataset.key)} MB, holdout.jsonl ${await size(out.holdout.key)} MB`,
  );
  console.log(
    `RSS: before ${mb(baseline)}, peak sampled ${mb(peak)}, process max ${mb(process.resourceUsage().maxRSS * 1024)}`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
