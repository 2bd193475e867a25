import { parseArgs } from 'node:util';
import { promoteVersion } from '../../layers/core/registry/promote-version.ts';
import { UsageError } from '../errors.ts';
import { openStack } from '../stack/session.ts';

const USAGE = 'usage: synergy promote <model> <version> [--reason <text>] [--json]';

/**
 * `synergy promote <model> <version>`: makes a registered version the champion by hand (no gate: the person
 * decides). Conditional on the alias's revision, audited, announced as an AliasMoved event.
 */
export async function runPromote(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { reason: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [modelName, versionText] = positionals;
  if (modelName === undefined || versionText === undefined) throw new UsageError(USAGE);
  const version = Number(versionText);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new UsageError(`<version> must be a version number ≥ 1, got "${versionText}"`);
  }
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const before = await session.registry.getAlias(modelName, 'champion');
    const alias = await promoteVersion(
      { registry: session.registry, clock: { now: () => new Date() }, events: session.registryEvents },
      {
        modelName,
        version,
        actor: 'synergy-cli',
        reason: values.reason ?? 'promoted by hand (synergy promote)',
      },
    );
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ modelName, champion: alias.version, fromVersion: before?.version ?? null })}\n`,
      );
    } else {
      process.stdout.write(`${modelName}: champion ${before?.version ?? '—'} → ${alias.version}\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}
