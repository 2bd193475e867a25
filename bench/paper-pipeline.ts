/**
 * Issue #3's end-to-end goal: the full 9-model paper pipeline through `synergy train --json` on a small real
 * CSV against the same pipeline in scikit-learn (test/reference/paper_pipeline.py: GridSearchCV per model,
 * n_jobs=-1), each as a whole child process, alternating, in one invocation. Goal: wall time ≤ 1.0×.
 *
 *   node --import tsx bench/paper-pipeline.ts [--data breast-cancer|penguins | --csv file --target col]
 *                                             [--repeat 3] [--python /usr/bin/python3] [--skip-same-split]
 *                                             [--xgb-n-jobs 1]
 *
 * Prints Markdown tables (per-model accuracies side by side, then wall times per run) and one JSON line.
 * Besides the timed runs, scikit-learn runs once more on our exact split and CV folds (not timed), so the
 * accuracies can also be compared on identical rows: the timed runs each draw their own split (ours from
 * our seeded generator, scikit-learn's from numpy's), so there they are only comparable on average.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { prepareCsv } from '../layers/ml/data/prepare.ts';
import { searchFolds } from '../layers/ml/search/cell-search.ts';
import { type BenchData, breastCancer, penguins, SKLEARN_BREAST_CANCER } from './datasets.ts';

const ROOT = join(import.meta.dirname, '..');
const REFERENCE_SCRIPT = join(ROOT, 'test', 'reference', 'paper_pipeline.py');
const GOAL = 1.0;

// ── Data ────────────────────────────────────────────────────────────────────────────────────────────────

// ── Child processes ─────────────────────────────────────────────────────────────────────────────────────

class PaperBenchError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PaperBenchError';
  }
}

/** A child process that would not start, failed, or printed something other than its JSON. */
class BenchChildError extends PaperBenchError {
  override name = 'BenchChildError';
}

class BenchUsageError extends PaperBenchError {
  override name = 'BenchUsageError';
}

const GNU_TIME = '/usr/bin/time';

interface Finished {
  readonly wallSeconds: number;
  readonly stdout: string;
  /**
   * User + system CPU seconds of the process and the children it reaped (joblib's workers; our worker
   * threads are in-process), from GNU time when installed. Steadier than wall time on a shared machine.
   */
  readonly cpuSeconds: number | undefined;
}

/**
 * Runs a command to its exit; the wall time spans spawn to exit, so interpreter start-up is included.
 * With `cpuFile`, the command runs under GNU time, which writes its CPU times there.
 */
async function timedRun(command: string, args: readonly string[], cpuFile?: string): Promise<Finished> {
  const withCpu = cpuFile !== undefined && existsSync(GNU_TIME);
  const finished = withCpu
    ? await spawnToExit(GNU_TIME, ['-f', '%U %S', '-o', cpuFile, command, ...args])
    : await spawnToExit(command, args);
  return { ...finished, cpuSeconds: withCpu ? await readCpuSeconds(cpuFile) : undefined };
}

async function readCpuSeconds(path: string): Promise<number> {
  const line = (await readFile(path, 'utf8')).trim().split('\n').at(-1) ?? '';
  const [user, system] = line.split(' ').map(Number);
  if (!Number.isFinite(user) || !Number.isFinite(system)) {
    throw new BenchChildError(`unexpected GNU time output ${JSON.stringify(line)}`, { path });
  }
  return user + system;
}

function spawnToExit(command: string, args: readonly string[]): Promise<Omit<Finished, 'cpuSeconds'>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (cause) =>
      reject(new BenchChildError(`cannot start ${command}`, { command }, { cause })),
    );
    child.on('close', (code, signal) => {
      const wallSeconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        const stderr = Buffer.concat(err).toString('utf8').slice(-2000);
        reject(new BenchChildError(`${command} ${args.join(' ')} exited ${code ?? signal}`, { stderr }));
        return;
      }
      resolve({ wallSeconds, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

/** The one JSON object a child prints last on stdout, checked against its schema. */
function lastJson<T>(schema: z.ZodType<T>, finished: Finished, who: string): T {
  const line = finished.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return schema.parse(JSON.parse(line));
  } catch (cause) {
    throw new BenchChildError(
      `${who} did not print the expected JSON`,
      { line: line.slice(0, 500) },
      { cause },
    );
  }
}

const entrySchema = z.object({
  model: z.string(),
  params: z.record(z.string(), z.unknown()),
  cvAccuracy: z.number(),
  testAccuracy: z.number(),
  fitSeconds: z.number(),
});
type Entry = z.infer<typeof entrySchema>;
const bestSchema = z.object({ model: z.string(), testAccuracy: z.number() });

const oursSchema = z.object({ best: bestSchema, leaderboard: z.array(entrySchema), seconds: z.number() });
const sklearnSchema = z.object({
  python: z.string(),
  sklearn: z.string(),
  xgboost: z.string(),
  nJobs: z.number(),
  xgbNJobs: z.number().nullable(),
  importSeconds: z.number(),
  pipelineSeconds: z.number(),
  scriptSeconds: z.number(),
  best: bestSchema,
  leaderboard: z.array(entrySchema),
});
type SklearnOutput = z.infer<typeof sklearnSchema>;

interface Measured {
  readonly wallSeconds: number;
  readonly cpuSeconds: number | undefined;
  /** The figure the process reports itself: ours `seconds`, scikit-learn's from reading the CSV. */
  readonly innerSeconds: number;
  readonly best: z.infer<typeof bestSchema>;
  readonly leaderboard: readonly Entry[];
}

async function runOurs(csvPath: string, target: string, cpuFile: string): Promise<Measured> {
  const args = [join(ROOT, 'bin', 'synergy.mjs'), 'train', csvPath, '--target', target, '--json'];
  const finished = await timedRun(process.execPath, args, cpuFile);
  const out = lastJson(oursSchema, finished, 'synergy train');
  return { ...finished, innerSeconds: out.seconds, ...out };
}

async function runSklearn(
  python: string,
  csvPath: string,
  target: string,
  extra: readonly string[],
  cpuFile: string,
): Promise<Measured & { readonly raw: SklearnOutput }> {
  const args = [REFERENCE_SCRIPT, csvPath, '--target', target, ...extra];
  const finished = await timedRun(python, args, cpuFile);
  const out = lastJson(sklearnSchema, finished, 'paper_pipeline.py');
  return { ...finished, innerSeconds: out.pipelineSeconds, ...out, raw: out };
}

/** Median wall time of a command that does (almost) nothing: the fixed cost of starting the runtime. */
async function startupSeconds(command: string, args: readonly string[], runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timedRun(command, args)).wallSeconds);
  return median(times);
}

/** Our split and CV folds, exactly as trainInProcess draws them (same defaults: seed 42, 5 folds). */
async function ourSplit(data: BenchData): Promise<string> {
  const seed = 42;
  const folds = 5;
  const prepared = await prepareCsv(data.csv, { target: data.target, seed, folds });
  const cv = searchFolds(prepared.train, { folds, seed, shuffle: true });
  return JSON.stringify({
    trainRows: Array.from(prepared.trainRows),
    testRows: Array.from(prepared.testRows),
    folds: cv.map((f) => ({ train: Array.from(f.train), validation: Array.from(f.validation) })),
  });
}

// ── Reporting ───────────────────────────────────────────────────────────────────────────────────────────

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const fmtParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');

/** Leaderboards as compared across repeats: everything but the timings. */
const outcome = (entries: readonly Entry[]) =>
  JSON.stringify(entries.map((e) => [e.model, e.params, e.cvAccuracy, e.testAccuracy]));

function accuracyTable(
  ours: readonly Measured[],
  sklearn: readonly Measured[],
  sameSplit: Measured | undefined,
): string[] {
  const first = (runs: readonly Measured[], model: string) =>
    runs[0].leaderboard.find((e) => e.model === model);
  const fitMedian = (runs: readonly Measured[], model: string) =>
    median(runs.map((r) => r.leaderboard.find((e) => e.model === model)?.fitSeconds ?? Number.NaN));
  const head = [
    'model',
    'ours params',
    'ours CV',
    'ours test',
    'sklearn params',
    'sklearn CV',
    'sklearn test',
  ];
  if (sameSplit) head.push('sklearn test, our split+folds', 'its params');
  head.push('ours fit s', 'sklearn fit s');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const { model } of ours[0].leaderboard) {
    const o = first(ours, model);
    const s = first(sklearn, model);
    const same = sameSplit?.leaderboard.find((e) => e.model === model);
    const cells = [
      model,
      o ? fmtParams(o.params) : '',
      o?.cvAccuracy.toFixed(4) ?? '',
      o?.testAccuracy.toFixed(4) ?? '',
      s ? fmtParams(s.params) : '',
      s?.cvAccuracy.toFixed(4) ?? '',
      s?.testAccuracy.toFixed(4) ?? '',
    ];
    if (sameSplit) cells.push(same?.testAccuracy.toFixed(4) ?? '', same ? fmtParams(same.params) : '');
    cells.push(fitMedian(ours, model).toFixed(2), fitMedian(sklearn, model).toFixed(2));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const best = (m: Measured | undefined) => (m ? `${m.best.model} ${m.best.testAccuracy.toFixed(4)}` : '');
  const bestCells = ['**best**', '', '', best(ours[0]), '', '', best(sklearn[0])];
  if (sameSplit) bestCells.push(best(sameSplit), '');
  bestCells.push('', '');
  lines.push(`| ${bestCells.join(' | ')} |`);
  return lines;
}

function verdict(ratios: readonly number[]): string {
  if (Math.max(...ratios) <= GOAL) return 'met on every run';
  if (median(ratios) <= GOAL) return 'met on the median, not on every run';
  if (Math.min(...ratios) <= GOAL) return 'met on the best run only';
  return 'not met';
}

// ── Main ────────────────────────────────────────────────────────────────────────────────────────────────

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'breast-cancer' },
    csv: { type: 'string' },
    target: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'skip-same-split': { type: 'boolean', default: false },
    // Unset: the paper's XGBClassifier defaults. 1 spares xgboost's OpenMP threads from a busy machine.
    'xgb-n-jobs': { type: 'string' },
  },
});
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) {
  throw new BenchUsageError(`--repeat must be an integer ≥ 1, got ${values.repeat}`, {
    repeat: values.repeat,
  });
}
function chooseData(): BenchData {
  if (values.csv) {
    if (!values.target) throw new BenchUsageError('--csv needs --target', { csv: values.csv });
    return { name: values.csv, csv: readFileSync(values.csv, 'utf8'), target: values.target };
  }
  if (values.data === 'penguins') return penguins();
  if (values.data !== 'breast-cancer') {
    throw new BenchUsageError(`--data must be breast-cancer or penguins, got ${values.data}`, {
      data: values.data,
    });
  }
  if (!existsSync(SKLEARN_BREAST_CANCER)) {
    throw new BenchUsageError(`${SKLEARN_BREAST_CANCER} not found (apt-get install python3-sklearn)`, {});
  }
  return breastCancer();
}
const data = chooseData();
const python = values.python;
const sklearnArgs = values['xgb-n-jobs'] ? ['--xgb-n-jobs', values['xgb-n-jobs']] : [];

const dir = await mkdtemp(join(tmpdir(), 'synergy-paper-'));
const csvPath = join(dir, 'data.csv');
const cpuFile = join(dir, 'cpu.txt');
await writeFile(csvPath, data.csv);
const loadAtStart = loadNow();

type RunRow = {
  run: number;
  order: string;
  load1: number;
  ours: Measured;
  sklearn: Measured & { raw: SklearnOutput };
};
const runs: RunRow[] = [];
let sameSplit: Measured | undefined;
let pythonStartup: number;
let nodeStartup: number;
try {
  pythonStartup = await startupSeconds(python, ['-c', 'pass']);
  nodeStartup = await startupSeconds(process.execPath, [join(ROOT, 'bin', 'synergy.mjs'), '--help']);
  for (let run = 1; run <= repeat; run++) {
    const load1 = loadavg()[0];
    // Alternate who goes first so neither side always meets the machine in the same state.
    const oursFirst = run % 2 === 1;
    const a = oursFirst ? await runOurs(csvPath, data.target, cpuFile) : undefined;
    const sklearn = await runSklearn(python, csvPath, data.target, sklearnArgs, cpuFile);
    const ours = a ?? (await runOurs(csvPath, data.target, cpuFile));
    runs.push({ run, order: oursFirst ? 'ours, sklearn' : 'sklearn, ours', load1, ours, sklearn });
    process.stderr.write(
      `run ${run}: ours ${ours.wallSeconds.toFixed(1)} s, sklearn ${sklearn.wallSeconds.toFixed(1)} s (load ${load1.toFixed(2)})\n`,
    );
  }
  if (!values['skip-same-split']) {
    const splitPath = join(dir, 'split.json');
    await writeFile(splitPath, await ourSplit(data));
    sameSplit = await runSklearn(
      python,
      csvPath,
      data.target,
      [...sklearnArgs, '--split-file', splitPath],
      cpuFile,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const ours = runs.map((r) => r.ours);
const sklearn = runs.map((r) => r.sklearn);
const wallRatios = runs.map((r) => r.ours.wallSeconds / r.sklearn.wallSeconds);
const innerRatios = runs.map((r) => r.ours.innerSeconds / r.sklearn.innerSeconds);
const cpuRatios = runs.map((r) =>
  r.ours.cpuSeconds === undefined || r.sklearn.cpuSeconds === undefined
    ? undefined
    : r.ours.cpuSeconds / r.sklearn.cpuSeconds,
);
const measuredCpuRatios = cpuRatios.filter((x) => x !== undefined);
const stable = (ms: readonly Measured[]) =>
  ms.every((m) => outcome(m.leaderboard) === outcome(ms[0].leaderboard));
const versions = sklearn[0].raw;

console.log(
  `data: ${data.name}, target ${data.target}; 9 models, paper grids (38 configurations × 5 folds + 9 refits)`,
);
console.log(
  `ours: node ${process.version}, synergy train --json, ${availableParallelism()} workers; scikit-learn ${versions.sklearn}, ` +
    `xgboost ${versions.xgboost}, Python ${versions.python}, GridSearchCV n_jobs=${versions.nJobs}, ` +
    `XGBClassifier n_jobs=${versions.xgbNJobs ?? 'default'}`,
);
console.log(`load average at start: ${loadAtStart}; at end: ${loadNow()}`);
console.log(
  `start-up alone (median of 5): python3 -c pass ${pythonStartup.toFixed(3)} s; synergy --help ${nodeStartup.toFixed(3)} s`,
);
console.log('');
console.log(accuracyTable(ours, sklearn, sameSplit).join('\n'));
console.log(
  `identical leaderboards across runs: ours ${stable(ours)}, sklearn ${stable(sklearn)}; ` +
    'fit s = the model grid search + refit (+ test scoring), median over runs',
);
console.log('');
console.log(
  '| run | order | load 1m | ours wall s | ours `seconds` | ours CPU s | sklearn wall s | sklearn pipeline s | sklearn imports s | sklearn CPU s | ratio (wall) | ratio (inner) | ratio (CPU) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const [i, r] of runs.entries()) {
  const cells = [
    r.run,
    r.order,
    r.load1.toFixed(2),
    r.ours.wallSeconds.toFixed(2),
    r.ours.innerSeconds.toFixed(2),
    r.ours.cpuSeconds?.toFixed(2) ?? '–',
    r.sklearn.wallSeconds.toFixed(2),
    r.sklearn.innerSeconds.toFixed(2),
    r.sklearn.raw.importSeconds.toFixed(2),
    r.sklearn.cpuSeconds?.toFixed(2) ?? '–',
    `${wallRatios[i].toFixed(2)}×`,
    `${innerRatios[i].toFixed(2)}×`,
    cpuRatios[i] === undefined ? '–' : `${cpuRatios[i].toFixed(2)}×`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log('');
console.log(
  'wall = spawn to exit of `node bin/synergy.mjs train <csv> --target … --json` / `python3 paper_pipeline.py …`; ' +
    'ours `seconds` = what synergy reports (CSV read to result); sklearn pipeline = reading the CSV to the best ' +
    'model; sklearn imports (numpy, scikit-learn, xgboost) are inside its wall time but not its pipeline; ' +
    'ratio (inner) = ours `seconds` / sklearn pipeline; CPU s = user + system of the process and the children ' +
    'it reaped (GNU time), the steadier figure when other work shares the cores.',
);
const bestRatio = Math.min(...wallRatios);
const medianRatio = median(wallRatios);
console.log('');
console.log(
  `wall ratio ours/sklearn: best ${bestRatio.toFixed(2)}×, median ${medianRatio.toFixed(2)}×, ` +
    `worst ${Math.max(...wallRatios).toFixed(2)}× over ${runs.length} run(s); goal ≤ ${GOAL.toFixed(1)}×: ` +
    verdict(wallRatios),
);
console.log(
  JSON.stringify({
    data: data.name,
    repeat: runs.length,
    loadAtStart,
    loadAtEnd: loadNow(),
    pythonStartupSeconds: pythonStartup,
    synergyHelpSeconds: nodeStartup,
    runs: runs.map((r) => ({
      run: r.run,
      order: r.order,
      load1: r.load1,
      oursWall: r.ours.wallSeconds,
      oursSeconds: r.ours.innerSeconds,
      sklearnWall: r.sklearn.wallSeconds,
      sklearnPipeline: r.sklearn.innerSeconds,
      sklearnImports: r.sklearn.raw.importSeconds,
      sklearnScript: r.sklearn.raw.scriptSeconds,
      oursCpu: r.ours.cpuSeconds,
      sklearnCpu: r.sklearn.cpuSeconds,
    })),
    bestRatio,
    medianRatio,
    innerRatioMedian: median(innerRatios),
    cpuRatioMedian: measuredCpuRatios.length > 0 ? median(measuredCpuRatios) : undefined,
    goal: GOAL,
    testAccuracy: {
      ours: Object.fromEntries(ours[0].leaderboard.map((e) => [e.model, e.testAccuracy])),
      sklearn: Object.fromEntries(sklearn[0].leaderboard.map((e) => [e.model, e.testAccuracy])),
      ...(sameSplit
        ? { sklearnOurSplit: Object.fromEntries(sameSplit.leaderboard.map((e) => [e.model, e.testAccuracy])) }
        : {}),
    },
    best: { ours: ours[0].best, sklearn: sklearn[0].best, sklearnOurSplit: sameSplit?.best },
    stable: { ours: stable(ours), sklearn: stable(sklearn) },
  }),
);
