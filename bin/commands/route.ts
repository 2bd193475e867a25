import { parseArgs } from 'node:util';
import type { RoutingRecord } from '../../layers/core/pipeline/records.ts';
import { describeRouting } from '../../layers/core/serving/routing-record.ts';
import { UsageError } from '../errors.ts';
import { openStack } from '../stack/session.ts';

const USAGE = 'usage: synergy route <model> [--canary <percent>] [--shadow | --no-shadow] [--reset] [--json]';

function parseCanary(value: string): number {
  const percent = Number(value);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new UsageError(`--canary must be a whole percentage 0..100 sent to the challenger, got "${value}"`);
  }
  return percent;
}

/**
 * `synergy route <model>`: how requests that name no version or alias are split. `--canary 10` sends 10 %
 * to the challenger and 90 % to the champion; `--shadow` has the challenger score every request too, its
 * answer logged and never returned; `--reset` sends everything to the champion. Without options, prints it.
 */
export async function runRoute(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      canary: { type: 'string' },
      shadow: { type: 'boolean' },
      'no-shadow': { type: 'boolean' },
      reset: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const model = positionals[0];
  if (model === undefined) throw new UsageError(USAGE);
  if (values.shadow && values['no-shadow']) throw new UsageError('give --shadow or --no-shadow, not both');
  const changes = values.canary !== undefined || values.shadow || values['no-shadow'] || values.reset;
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const current = await session.registry.getRouting(model);
    let routing: Pick<RoutingRecord, 'weights' | 'shadow'> = current ?? { weights: { champion: 100 } };
    if (changes) {
      const versions = await session.registry.listVersions(model, { limit: 1 });
      if (versions.length === 0) throw new UsageError(`no model named "${model}" is registered`);
      const challengerShare = values.reset
        ? 0
        : values.canary !== undefined
          ? parseCanary(values.canary)
          : (routing.weights.challenger ?? 0);
      const shadow =
        values.reset || values['no-shadow'] ? undefined : values.shadow ? 'challenger' : routing.shadow;
      const next: RoutingRecord = {
        modelName: model,
        weights: { champion: 100 - challengerShare, challenger: challengerShare },
        ...(shadow === undefined ? {} : { shadow }),
        updatedAt: new Date().toISOString(),
        actor: 'synergy-cli',
      };
      await session.registry.putRouting(next);
      routing = next;
    }
    if (values.json) process.stdout.write(`${JSON.stringify({ modelName: model, ...routing })}\n`);
    else process.stdout.write(`${model}: ${describeRouting(routing)}\n`);
    return 0;
  } finally {
    await session.close();
  }
}
