/**
 * Cold start of the serving functions and the load of a RandomForest-100 model document.
 *
 * - Cold import: the predict and authorizer bundles, built as deployed (serverless.yml's custom.esbuild),
 *   each imported by a fresh `node` process; the time is measured inside the child around `import()`.
 *   For scale, the same for an empty module (Node's floor) and for the S3 + DynamoDB SDK clients that the
 *   functions import only on first use.
 * - RandomForest-100 load: `loadModelDocument` (sha256, JSON.parse, validation, trees, packed forest) on
 *   the document of a forest trained on the generated schedule-adherence data; fresh = the first load in
 *   a new process (each in its own child), warm = repeated loads in this process, with the parts split out.
 *   The document is written in the current tree format (RandomForest formatVersion 2: binary node arrays,
 *   tree/forest-json.ts); `--v1` writes it in format 1 (number arrays per tree) to measure old documents.
 *
 * Goals (issue #5): cold import ≤ 60 ms, RandomForest-100 load ≤ 20 ms.
 * Run: node --import tsx bench/serve-cold.ts [--runs 11] [--rows 3000] [--rf-only] [--v1]
 * (`--rf-only` skips the cold imports and measures only the RandomForest-100 load.)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { generateScheduleAdherenceCsv } from '../layers/core/demo/schedule-adherence.ts';
import {
  buildModelDocument,
  loadModelDocument,
  parseModelDocument,
  sha256Hex,
} from '../layers/core/pipeline/model-document.ts';
import { prepareCsv } from '../layers/ml/data/prepare.ts';
import type { ModelJSON } from '../layers/ml/models/classifier.ts';
import { loadFittedModel } from '../layers/ml/models/loaders.ts';
import type { RandomForest } from '../layers/ml/models/random-forest.ts';
import { createModel } from '../layers/ml/models/registry.ts';
import { treeToJSON } from '../layers/ml/models/tree/serialize.ts';
import { loadStackConfig } from '../local/config/stack-config.ts';
import { esbuildOptionsFrom, resolveEntry } from '../local/lambda/bundle.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Under the project root, so the bundles' external imports resolve from its node_modules as deployed.
const WORK = join(ROOT, '.synergy', 'bench', 'serve-cold');

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}
const RUNS = flag('runs', 11);
const ROWS = flag('rows', 3000);
const RF_ONLY = process.argv.includes('--rf-only');
const V1 = process.argv.includes('--v1');

const FUNCTION_ENV: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  predict: {
    REGISTRY_TABLE: 'synergy-bench-registry',
    DATA_BUCKET: 'synergy-bench-data',
    SERVING_ALIAS_TTL_SECONDS: '5',
    MODEL_CACHE_SIZE: '8',
    CAPTURE_SAMPLE_RATE: '0.1',
    CAPTURE_BATCH_ROWS: '1000',
    CAPTURE_BATCH_SECONDS: '60',
  },
  authorizer: { API_KEYS_TABLE: 'synergy-bench-api-keys' },
};

interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Runs `code` (an ES module that prints one number of milliseconds) in `runs` fresh processes, one at a time. */
async function inFreshProcesses(code: string, env: Readonly<Record<string, string>>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], {
      cwd: ROOT,
      env: { ...process.env, AWS_REGION: 'us-east-1', ...env },
    });
    samples.push(Number(stdout.trim()));
  }
  return samples;
}

function importTimer(specifiers: readonly string[]): string {
  const imports = specifiers.map((specifier) => `import(${JSON.stringify(specifier)})`).join(', ');
  return `const started = performance.now(); await Promise.all([${imports}]); process.stdout.write(String(performance.now() - started));`;
}

async function bundleServingFunctions(): Promise<Record<string, { path: string; bytes: number }>> {
  const config = await loadStackConfig({ root: ROOT });
  const bundles: Record<string, { path: string; bytes: number }> = {};
  for (const key of Object.keys(FUNCTION_ENV)) {
    const outdir = join(WORK, key);
    const result = await build({
      ...esbuildOptionsFrom(config.esbuild, config.runtime),
      entryPoints: [resolveEntry(ROOT, config.functions[key], config.esbuild)],
      outdir,
      outExtension: { '.js': '.mjs' },
      absWorkingDir: ROOT,
      metafile: true,
      logLevel: 'error',
    });
    const [path, output] =
      Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('.mjs')) ?? [];
    if (path === undefined || output === undefined) throw new Error(`esbuild wrote no .mjs for ${key}`);
    bundles[key] = { path: join(ROOT, path), bytes: output.bytes };
  }
  return bundles;
}

function timeWarm(repeats: number, work: () => unknown): Summary {
  for (let i = 0; i < 3; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

const ms = (value: number) => value.toFixed(1).padStart(7);
const row = (label: string, s: Summary, note = '') =>
  `${label.padEnd(44)}${ms(s.median)}${ms(s.min)}${ms(s.max)}  ${note}`;
const HEADER = `${''.padEnd(44)}${'median'.padStart(7)}${'min'.padStart(7)}${'max'.padStart(7)}  (ms)`;

rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

// --- Cold import ---------------------------------------------------------------------------------------
async function measureColdImports(): Promise<void> {
  const bundles = await bundleServingFunctions();
  const empty = join(WORK, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const lines = [`Cold import in a fresh node ${process.version} process (${RUNS} runs each)`, HEADER];
  lines.push(
    row(
      'empty module (floor)',
      summarize(await inFreshProcesses(importTimer([pathToFileURL(empty).href]), {})),
    ),
  );
  for (const [key, bundle] of Object.entries(bundles)) {
    const samples = await inFreshProcesses(importTimer([pathToFileURL(bundle.path).href]), FUNCTION_ENV[key]);
    lines.push(
      row(
        `${key} bundle`,
        summarize(samples),
        `${(bundle.bytes / 1000).toFixed(0)} KB minified; goal ≤ 60 ms`,
      ),
    );
  }
  const sdk = ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];
  lines.push(
    row('S3 + DynamoDB SDK (loaded on first use)', summarize(await inFreshProcesses(importTimer(sdk), {}))),
  );
  console.log(lines.join('\n'));
}
if (!RF_ONLY) await measureColdImports();

// --- RandomForest-100 load -----------------------------------------------------------------------------
const prepared = await prepareCsv(generateScheduleAdherenceCsv({ rows: ROWS, seed: 5 }), {
  target: 'on_time',
  seed: 1,
});
const params = { n_estimators: 100 };
const forest = createModel('RandomForest', params, 1);
forest.fit(prepared.train);
const bytes = buildModelDocument({
  algorithm: 'RandomForest',
  params,
  preprocessor: prepared.preprocessor.toJSON(),
  model: V1 ? version1(forest as RandomForest) : forest.toJSON(),
  metrics: { testAccuracy: 0, cvAccuracy: 0, cvStd: 0 },
  runId: 'bench',
});
const sha256 = sha256Hex(bytes);

/** The forest as format 1 wrote it (serialize.ts's treeToJSON is that writer). */
function version1(model: RandomForest): ModelJSON {
  return {
    ...model.toJSON(),
    formatVersion: 1,
    state: { trees: model.trees.map(treeToJSON), featureImportances: Array.from(model.featureImportances()) },
  };
}
const documentPath = join(WORK, 'random-forest-100.json');
writeFileSync(documentPath, bytes);
const nodes = (forest as RandomForest).trees.reduce((sum, tree) => sum + tree.nodeCount, 0);
forest.dispose();

// The fresh load runs the module-document code from a bundle of its own, as the predict bundle holds it.
const loaderBundle = join(WORK, 'model-document.mjs');
await build({
  entryPoints: [join(ROOT, 'layers/core/pipeline/model-document.ts')],
  outfile: loaderBundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  minify: true,
  keepNames: true,
  external: ['libsvm-js'],
  logLevel: 'error',
});
const freshLoad = `
  import { readFileSync } from 'node:fs';
  const { loadModelDocument } = await import(${JSON.stringify(pathToFileURL(loaderBundle).href)});
  const bytes = new Uint8Array(readFileSync(${JSON.stringify(documentPath)}));
  const started = performance.now();
  loadModelDocument(bytes, ${JSON.stringify(sha256)});
  process.stdout.write(String(performance.now() - started));`;

const document = parseModelDocument(bytes);
const repeats = Math.max(RUNS, 20);
const forestLines = [
  `RandomForest-100 on ${ROWS} rows (${prepared.train.nRows} train): ${nodes} nodes, document ${(bytes.length / 1e6).toFixed(2)} MB`,
  HEADER,
  row('loadModelDocument, fresh process', summarize(await inFreshProcesses(freshLoad, {})), 'goal ≤ 20 ms'),
  row(
    'loadModelDocument, warm',
    timeWarm(repeats, () => loadModelDocument(bytes, sha256)),
    'goal ≤ 20 ms',
  ),
  row(
    '  sha256',
    timeWarm(repeats, () => sha256Hex(bytes)),
  ),
  row(
    '  UTF-8 decode + JSON.parse',
    timeWarm(repeats, () => JSON.parse(new TextDecoder().decode(bytes))),
  ),
  row(
    '  parseModelDocument (parse + validate)',
    timeWarm(repeats, () => parseModelDocument(bytes)),
  ),
  row(
    '  model from JSON (trees + packed forest)',
    timeWarm(repeats, () => loadFittedModel(document.model)),
  ),
];
console.log(`\n${forestLines.join('\n')}`);
