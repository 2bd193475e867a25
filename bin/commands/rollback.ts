import { parseArgs } from 'node:util';
import { rollbackChampion } from '../../layers/core/registry/rollback.ts';
import { UsageError } from '../errors.ts';
import { openStack } from '../stack/session.ts';

const USAGE = 'usage: synergy rollback <model> [--reason <text>] [--json]';

/**
 * `synergy rollback <model>`: the champion goes back to the version it replaced (the latest champion move
 * in the audit trail). Rolling back twice toggles between the two versions.
 */
export async function runRollback(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { reason: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const modelName = positionals[0];
  if (modelName === undefined) throw new UsageError(USAGE);
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const rolled = await rollbackChampion(
      { registry: session.registry, clock: { now: () => new Date() }, events: session.registryEvents },
      { modelName, actor: 'synergy-cli', reason: values.reason ?? 'rolled back by hand (synergy rollback)' },
    );
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ modelName, champion: rolled.to, fromVersion: rolled.from })}\n`,
      );
    } else {
      process.stdout.write(`${modelName}: champion ${rolled.from} → ${rolled.to} (rolled back)\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}
