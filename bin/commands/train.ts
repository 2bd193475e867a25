import { createReadStream } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
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
    case 'model-done':
      process.stderr.write(
        `  ${event.entry.model}: cv ${event.entry.cvAccuracy.toFixed(4)}, test ${event.entry.testAccuracy.toFixed(4)}, ${event.entry.fitSeconds.toFixed(2)} s\n`,
      );
      break;
  }
}
