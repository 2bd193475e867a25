/**
 * A person makes a registered version the champion (`synergy promote`): no gate, the person decides.
 * The move is conditional on the alias's revision, so a promotion that raced another fails with
 * ConflictError instead of silently overwriting it; the registry writes the audit entry, and the move
 * is announced as AliasMoved.
 */
import { NotFoundError } from '../errors.ts';
import type { AliasRecord } from '../pipeline/records.ts';
import type { Clock, Registry, RegistryEvents } from '../ports.ts';

export interface RegistryCommandDeps {
  readonly registry: Pick<Registry, 'getVersion' | 'getAlias' | 'moveAlias' | 'listAudit'>;
  readonly clock: Clock;
  /** Where alias moves are announced; without it, only the audit trail has them. */
  readonly events?: RegistryEvents;
}

export interface ChampionMove {
  readonly modelName: string;
  readonly version: number;
  /** Who moved it (`synergy-cli` from the CLI), kept in the audit trail. */
  readonly actor: string;
  readonly reason: string;
}

/**
 * Moves the champion to `move.version`. NotFoundError when that version is not registered. Promoting the
 * version that already is champion changes nothing (no audit entry, no event) and returns the alias as
 * it is: asking twice for the same state is not an error.
 */
export async function promoteVersion(deps: RegistryCommandDeps, move: ChampionMove): Promise<AliasRecord> {
  const { modelName, version } = move;
  const record = await deps.registry.getVersion(modelName, version);
  if (record === undefined) {
    throw new NotFoundError(`${modelName} v${version} is not registered`, { modelName, version });
  }
  const champion = await deps.registry.getAlias(modelName, 'champion');
  if (champion?.version === version) return champion;
  return moveChampion(deps, champion, move);
}

/** The conditional move from `champion` (undefined: there is none yet) and its AliasMoved event. */
export async function moveChampion(
  deps: RegistryCommandDeps,
  champion: AliasRecord | undefined,
  move: ChampionMove,
): Promise<AliasRecord> {
  const moved = await deps.registry.moveAlias({
    modelName: move.modelName,
    alias: 'champion',
    version: move.version,
    expectedRevision: champion?.revision,
    reason: move.reason,
    actor: move.actor,
  });
  await deps.events?.publish([
    {
      type: 'AliasMoved',
      modelName: move.modelName,
      alias: 'champion',
      version: move.version,
      ...(champion === undefined ? {} : { fromVersion: champion.version }),
      reason: move.reason,
      actor: move.actor,
      at: deps.clock.now().toISOString(),
    },
  ]);
  return moved;
}
