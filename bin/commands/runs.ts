import { parseArgs } from 'node:util';
import type { RunRecord } from '../../layers/core/pipeline/records.ts';
import { table } from '../format/table.ts';
import { openStack } from '../stack/session.ts';

function seconds(run: RunRecord): string {
  const end = run.finishedAt ?? run.updatedAt;
  return ((Date.parse(end) - Date.parse(run.createdAt)) / 1000).toFixed(1);
}

function outcome(run: RunRecord): string {
  if (run.status === 'FAILED') return `${run.error?.name ?? 'Error'}: ${run.error?.message ?? ''}`;
  if (!run.result) return run.stage ?? '';
  const r = run.result;
  return `${r.bestModel} ${r.testAccuracy.toFixed(4)} → v${r.modelVersion}${r.promoted ? ' (champion)' : ''}`;
}

/** `synergy runs`: the newest runs first, with status, duration and outcome. */
export async function runRuns(argv: string[], root = process.cwd()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, limit: { type: 'string', default: '50' } },
  });
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const runs = await session.experiments.listRuns({ limit: Number(values.limit) });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(runs)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write(
        'No runs yet. Upload a CSV under incoming/<dataset>/ or use `synergy run <csv>`.\n',
      );
      return 0;
    }
    const rows = runs.map((run) => [
      run.runId,
      run.modelName,
      run.status,
      run.trigger.kind,
      run.createdAt.replace('T', ' ').slice(0, 19),
      seconds(run),
      outcome(run),
    ]);
    process.stdout.write(
      `${table(['Run', 'Model', 'Status', 'Trigger', 'Created (UTC)', 'Seconds', 'Outcome'], rows).join('\n')}\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}
