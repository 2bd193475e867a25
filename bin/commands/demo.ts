import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateConstructionCsv } from '../../layers/core/demo/construction-schedule.ts';
import { UsageError } from '../errors.ts';
import { runTrain } from './train.ts';

/**
 * The main job on the embedded default: generate a construction-schedule dataset and run the paper's
 * pipeline on it in-process. (The serverless pipeline, serving and the retraining loop join the demo as
 * they land.)
 */
export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '2000' },
      dir: { type: 'string', default: '.synergy/demo' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 50)
    throw new UsageError(`--rows must be an integer ≥ 50, got "${values.rows}"`);
  await mkdir(values.dir, { recursive: true });
  const csv = join(values.dir, 'construction-schedule.csv');
  await writeFile(csv, generateConstructionCsv({ rows, seed: 7 }));
  if (!values.json) process.stdout.write(`Generated ${rows} construction activities → ${csv}\n\n`);
  const model = join(values.dir, 'best-model.json');
  return runTrain([
    csv,
    '--target',
    'schedule_adherence',
    '--out',
    model,
    ...(values.json ? ['--json'] : []),
  ]);
}
