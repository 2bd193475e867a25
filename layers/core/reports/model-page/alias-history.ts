/**
 * Which version held each alias when, rebuilt from the registry's audit trail (every alias move writes an
 * AliasMoved entry): one span per holding, closed by the next move of the same alias. How a move happened
 * is read from the entry: the rollback use case's reason starts with `rollback`, the pipeline acts as
 * `run/<runId>`, anyone else (`synergy-cli`, a person) moved it by hand. When the alias as stored
 * disagrees with the trail (an entry lost, or a move older than the trail), the alias wins and the page
 * says so.
 */
import type { AliasName, AliasRecord, AuditRecord } from '../../pipeline/records.ts';

export const ALIASES: readonly AliasName[] = ['champion', 'challenger'];

/** pipeline: the run's register (challenger) or promotion gate (champion); manual: a person's promote. */
export type AliasMoveKind = 'pipeline' | 'manual' | 'rollback' | 'unrecorded';

export interface AliasMove {
  /** ISO-8601. */
  readonly at: string;
  readonly alias: AliasName;
  readonly version: number;
  readonly fromVersion?: number;
  readonly kind: AliasMoveKind;
  readonly actor: string;
  readonly reason: string;
}

export interface AliasSpan {
  readonly alias: AliasName;
  readonly version: number;
  readonly from: string;
  /** Absent: the alias still points here. */
  readonly to?: string;
  /** How the alias came to this version. */
  readonly kind: AliasMoveKind;
  readonly actor: string;
  readonly reason: string;
}

export interface RoutingChange {
  readonly at: string;
  readonly actor: string;
  /** The audit entry's reason: the routing as described by serving/routing-record.ts. */
  readonly routing: string;
}

export interface AliasHistory {
  /** Every alias move, oldest first. */
  readonly moves: readonly AliasMove[];
  /** Per alias in ALIASES order, oldest first. */
  readonly spans: readonly AliasSpan[];
  readonly routing: readonly RoutingChange[];
  /** Where the trail and the stored aliases disagree. */
  readonly notes: readonly string[];
}

const PIPELINE_ACTOR = /^run\//;
const ROLLBACK_REASON = /^rollback\b/i;

export function moveKind(entry: Pick<AuditRecord, 'actor' | 'reason'>): AliasMoveKind {
  if (ROLLBACK_REASON.test(entry.reason)) return 'rollback';
  if (PIPELINE_ACTOR.test(entry.actor)) return 'pipeline';
  return 'manual';
}

/** Oldest first; entries at the same instant keep the trail's order. */
function chronological(audit: readonly AuditRecord[]): AuditRecord[] {
  return audit
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => Date.parse(a.entry.at) - Date.parse(b.entry.at) || a.index - b.index)
    .map(({ entry }) => entry);
}

export function aliasHistory(
  audit: readonly AuditRecord[],
  current: Readonly<Partial<Record<AliasName, AliasRecord>>>,
): AliasHistory {
  const moves: AliasMove[] = [];
  const routing: RoutingChange[] = [];
  for (const entry of chronological(audit)) {
    if (entry.action === 'RoutingChanged') {
      routing.push({ at: entry.at, actor: entry.actor, routing: entry.reason });
    } else if (entry.action === 'AliasMoved' && entry.alias !== undefined && entry.version !== undefined) {
      moves.push({
        at: entry.at,
        alias: entry.alias,
        version: entry.version,
        ...(entry.fromVersion === undefined ? {} : { fromVersion: entry.fromVersion }),
        kind: moveKind(entry),
        actor: entry.actor,
        reason: entry.reason,
      });
    }
  }
  const spans: AliasSpan[] = [];
  const notes: string[] = [];
  for (const alias of ALIASES) {
    const own = moves.filter((move) => move.alias === alias);
    const aliasSpans: AliasSpan[] = own.map((move, i) => ({
      alias,
      version: move.version,
      from: move.at,
      ...(i + 1 < own.length ? { to: own[i + 1].at } : {}),
      kind: move.kind,
      actor: move.actor,
      reason: move.reason,
    }));
    const stored = current[alias];
    const last = aliasSpans.at(-1);
    if (stored !== undefined && last?.version !== stored.version) {
      notes.push(
        `The ${alias} is v${stored.version} (since ${stored.updatedAt}) but the audit trail ${last === undefined ? 'has no move of it' : `ends at v${last.version}`}: the last move is shown as unrecorded.`,
      );
      if (last !== undefined) aliasSpans[aliasSpans.length - 1] = { ...last, to: stored.updatedAt };
      aliasSpans.push({
        alias,
        version: stored.version,
        from: stored.updatedAt,
        kind: 'unrecorded',
        actor: 'unknown',
        reason: 'not in the audit trail',
      });
    } else if (stored === undefined && last !== undefined) {
      notes.push(`The audit trail moves the ${alias} to v${last.version}, but the alias does not exist now.`);
    }
    spans.push(...aliasSpans);
  }
  return { moves, spans, routing, notes };
}
