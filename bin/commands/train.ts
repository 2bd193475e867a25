import { createReadStream } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { TrainOptions, TrainProgress } from '../../layers/core/training/train-in-process.ts';
import { trainInProcess } from '../../layers/core/training/train-in-process.ts';
import type { GridConfig } from '../../layers/ml/search/grid-config.ts';
import { loadGridConfig } from '../../layers/ml/search/grid-config.ts';
import { InputFileError, UsageError } from '../errors.ts';
import { formatTrainResult, toTrainJson } from '../format/train-result.ts';

export async function runTrain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      models: { type: 'string' },
      config: { type: 'string' },
      seed: { type: 'string' },
      'test-size': { type: 'string' },
      folds: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      workers: { type: 'string' },
      search: { type: 'string' },
      trials: { type: 'string' },
      'early-stop': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('train needs exactly one CSV file: synergy train <csv>');
  const csvPath = positionals[0];
  await access(csvPath).catch((cause: unknown) => {
    throw new InputFileError(csvPath, `cannot read ${csvPath}: no such file or not readable`, { cause });
  });

  const config = values.config ? await readConfig(values.config) : undefined;
  const options: TrainOptions = {
    target: values.target,
    models: values.models?.split(',').filter((m) => m.trim() !== '') ?? config?.models,
    grids: config?.grids,
    seed: numberFlag('--seed', values.seed, { integer: true }) ?? config?.seed,
    testSize: numberFlag('--test-size', values['test-size']) ?? config?.testSize,
    folds: numberFlag('--folds', values.folds, { integer: true }) ?? config?.folds,
    onProgress: values.json ? undefined : printProgress,
    ...searchFlags(values),
  };
  const result = await trainInProcess(createReadStream(csvPath), options);

  if (values.out) {
    const artifact = { model: result.best.artifact, preprocessor: result.preprocessor };
    await writeFile(values.out, `${JSON.stringify(artifact)}\n`);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(toTrainJson(result))}\n`);
  } else {
    process.stdout.write(formatTrainResult(result, csvPath));
    if (values.out) process.stdout.write(`\nBest model artifact written to ${values.out}\n`);
  }
  return 0;
}

async function readConfig(path: string): Promise<GridConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputFileError(path, `cannot read config ${path}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InputFileError(path, `config ${path} is not valid JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  return loadGridConfig(json);
}

function searchFlags(values: {
  workers?: string;
  search?: string;
  trials?: string;
  'early-stop'?: string;
}): Pick<TrainOptions, 'workers' | 'search' | 'trials' | 'earlyStop'> {
  const workers = numberFlag('--workers', values.workers, { integer: true }) ?? availableParallelism();
  if (workers < 1) throw new UsageError(`--workers must be at least 1, got ${workers}`);
  const search = oneOf('--search', values.search, ['grid', 'random'] as const);
  const trials = numberFlag('--trials', values.trials, { integer: true });
  if (trials !== undefined && trials < 1) throw new UsageError(`--trials must be at least 1, got ${trials}`);
  if (trials !== undefined && search !== 'random') {
    throw new UsageError('--trials only applies to --search random');
  }
  const earlyStop = oneOf('--early-stop', values['early-stop'], ['none', 'median'] as const);
  return { workers, search, trials, earlyStop };
}

function oneOf<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  const match = allowed.find((a) => a === raw);
  if (!match) throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return match;
}

function numberFlag(
  name: string,
  raw: string | undefined,
  opts: { integer?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value))) {
    throw new UsageError(`${name} must be ${opts.integer ? 'an integer' : 'a number'}, got "${raw}"`);
  }
  return value;
}

function printProgress(event: TrainProgress): void {
  switch (event.kind) {
    case 'prepared':
      process.stderr.write(
        `prepared ${event.rows} rows → ${event.features} features, ${event.classes} classes\n`,
      );
      break;
    case 'model-started':
      process.stderr.write(`training ${event.model} (${event.configurations} configurations)…\n`);
      break;
    case 'model-done': {
      const stopped = event.entry.results?.filter((r) => r.stopped).length ?? 0;
      const note =
        stopped > 0 ? ` (${stopped} of ${event.entry.configurations} configurations stopped early)` : '';
      process.stderr.write(
        `  ${event.entry.model}: cv ${event.entry.cvAccuracy.toFixed(4)}, test ${event.entry.testAccuracy.toFixed(4)}, ${event.entry.fitSeconds.toFixed(2)} s${note}\n`,
      );
      break;
    }
  }
}
