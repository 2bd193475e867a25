import { parseArgs } from 'node:util';
import type { AuditRecord } from '../../layers/core/pipeline/records.ts';
import { table } from '../format/table.ts';
import { formatParams } from '../format/train-result.ts';
import { openStack } from '../stack/session.ts';

/** `synergy models [name]`: every registered model with its aliases, or one model's versions and audit trail. */
export async function runModels(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const name = positionals[0];
    if (name === undefined) {
      const models = await session.registry.listModels();
      if (values.json) {
        process.stdout.write(`${JSON.stringify(models)}\n`);
      } else if (models.length === 0) {
        process.stdout.write('No registered models yet.\n');
      } else {
        const rows = models.map((m) => [
          m.modelName,
          String(m.latestVersion),
          m.champion === undefined ? '—' : String(m.champion),
          m.challenger === undefined ? '—' : String(m.challenger),
        ]);
        process.stdout.write(`${table(['Model', 'Latest', 'Champion', 'Challenger'], rows).join('\n')}\n`);
      }
      return 0;
    }
    const [versions, champion, challenger, audit] = await Promise.all([
      session.registry.listVersions(name),
      session.registry.getAlias(name, 'champion'),
      session.registry.getAlias(name, 'challenger'),
      session.registry.listAudit(name),
    ]);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ modelName: name, champion, challenger, versions, audit })}\n`);
      return 0;
    }
    if (versions.length === 0) {
      process.stdout.write(`No versions of "${name}".\n`);
      return 0;
    }
    const rows = versions.map((v) => [
      String(v.version),
      [
        v.version === champion?.version ? 'champion' : '',
        v.version === challenger?.version ? 'challenger' : '',
      ]
        .filter(Boolean)
        .join(','),
      v.algorithm,
      formatParams(v.params),
      v.metrics.testAccuracy.toFixed(4),
      v.lineage.runId,
      v.createdAt.replace('T', ' ').slice(0, 19),
    ]);
    const lines = table(
      ['Version', 'Aliases', 'Algorithm', 'Params', 'Test acc', 'Run', 'Created (UTC)'],
      rows,
    );
    lines.push('', 'Audit (oldest first)');
    for (const entry of audit) {
      lines.push(`  ${entry.at}  ${describeAudit(entry)}  ${entry.reason} (${entry.actor})`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await session.close();
  }
}

function describeAudit(entry: AuditRecord): string {
  switch (entry.action) {
    case 'AliasMoved':
      return `${entry.alias} ${entry.fromVersion ?? '—'} → ${entry.version}`;
    case 'VersionCreated':
      return `version ${entry.version} created`;
    case 'RoutingChanged':
      return 'routing changed:';
  }
}
