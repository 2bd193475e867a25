import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateScheduleAdherenceCsv } from '../../layers/core/demo/schedule-adherence.ts';
import { UsageError } from '../errors.ts';
import { runRun } from './run.ts';

/**
 * The main job on the embedded default: generate a construction-schedule dataset, upload it into the
 * embedded local AWS (started for the demo unless `synergy dev` runs), follow the serverless run — prep,
 * the grid fan-out on Lambda sandboxes, refits, evaluation, registration, the promotion gate — and print
 * the leaderboard and the registry moves. The stack stops when the run ends; its state stays in .synergy/.
 */
export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '11' },
      dir: { type: 'string', default: '.synergy/demo' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 50)
    throw new UsageError(`--rows must be an integer ≥ 50, got "${values.rows}"`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
  await mkdir(values.dir, { recursive: true });
  const csv = join(values.dir, `schedule-adherence-${rows}-${seed}.csv`);
  await writeFile(csv, generateScheduleAdherenceCsv({ rows, seed }));
  if (!values.json) process.stderr.write(`Generated ${rows} construction activities → ${csv}\n`);
  return runRun([
    csv,
    '--dataset',
    'schedule-adherence',
    '--target',
    'on_time',
    ...(values.json ? ['--json'] : []),
  ]);
}
