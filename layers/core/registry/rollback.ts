/**
 * `synergy rollback`: the champion goes back to the version it replaced, read from the most recent
 * champion move in the audit trail. That move is then the rollback itself, so rolling back twice
 * toggles between the two versions (to go further back, promote a version by number).
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { AliasRecord, AuditRecord } from '../pipeline/records.ts';
import { moveChampion, type RegistryCommandDeps } from './promote-version.ts';

export interface RollbackRequest {
  readonly modelName: string;
  readonly actor: string;
  readonly reason: string;
}

export interface Rollback {
  readonly from: number;
  readonly to: number;
  readonly alias: AliasRecord;
}

export async function rollbackChampion(
  deps: RegistryCommandDeps,
  request: RollbackRequest,
): Promise<Rollback> {
  const { modelName } = request;
  const champion = await deps.registry.getAlias(modelName, 'champion');
  if (champion === undefined) {
    throw new NotFoundError(`${modelName} has no champion to roll back`, { modelName });
  }
  const last = lastChampionMove(await deps.registry.listAudit(modelName));
  if (last?.version !== champion.version) {
    // The alias and its audit trail disagree: someone moved it meanwhile, or the trail is incomplete.
    throw new ConflictError(
      `${modelName}: the champion is v${champion.version} but the latest champion move in the audit trail is ${last?.version === undefined ? 'missing' : `to v${last.version}`}; not rolling back`,
      { modelName, champion: champion.version, audited: last?.version },
    );
  }
  const to = last.fromVersion;
  if (to === undefined) {
    throw new NotFoundError(
      `${modelName} has no previous champion to roll back to: v${champion.version} is its first champion`,
      { modelName, champion: champion.version },
    );
  }
  if ((await deps.registry.getVersion(modelName, to)) === undefined) {
    throw new NotFoundError(`${modelName}: the previous champion v${to} is no longer registered`, {
      modelName,
      version: to,
    });
  }
  const alias = await moveChampion(deps, champion, {
    modelName,
    version: to,
    actor: request.actor,
    reason: `rollback from v${champion.version}: ${request.reason}`,
  });
  return { from: champion.version, to, alias };
}

/** The most recent move of the champion alias (the trail is oldest first). */
function lastChampionMove(audit: readonly AuditRecord[]): AuditRecord | undefined {
  for (let i = audit.length - 1; i >= 0; i--) {
    const entry = audit[i];
    if (entry.action === 'AliasMoved' && entry.alias === 'champion') return entry;
  }
  return undefined;
}
