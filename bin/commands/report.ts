import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { functionMemoryFromStack } from '../../layers/core/reports/function-memory.ts';
import { renderRunReportFor } from '../../layers/core/reports/write-run-report.ts';
import { UsageError } from '../errors.ts';
import { openStack } from '../stack/session.ts';

/** A run id becomes a directory name: nothing that could climb out of --out. */
const SAFE_RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `synergy report <runId> [--out dir]`: renders the run's report from the stack (what Finish writes to
 * reports/<runId>/index.html, rendered afresh, so it also works for a failed or older run) and writes
 * `<dir>/<runId>/index.html` (default dir `.synergy/reports`); prints the absolute path (`--json`:
 * `{"path": …}`).
 */
export async function runReport(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [runId, ...extra] = positionals;
  if (runId === undefined || extra.length > 0) {
    throw new UsageError('usage: synergy report <runId> [--out dir] [--json]');
  }
  if (!SAFE_RUN_ID.test(runId)) throw new UsageError(`not a run id: "${runId}"`);
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  let html: string;
  try {
    html = await renderRunReportFor(
      {
        artifacts: session.artifacts,
        experiments: session.experiments,
        registry: session.registry,
        clock: { now: () => new Date() },
        bucket: session.bucket,
        memoryMb: functionMemoryFromStack(session.config.functions),
      },
      runId,
    );
  } finally {
    await session.close();
  }
  const dir = resolve(root, values.out ?? join('.synergy', 'reports'), runId);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'index.html');
  await writeFile(path, html);
  process.stdout.write(values.json ? `${JSON.stringify({ path })}\n` : `${path}\n`);
  return 0;
}
