import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../layers/core/errors.ts';
import type { AliasName, AliasRecord } from '../../../layers/core/pipeline/records.ts';
import { promoteVersion } from '../../../layers/core/registry/promote-version.ts';
import { rollbackChampion } from '../../../layers/core/registry/rollback.ts';
import { FixedClock, MemoryRegistry } from '../../support/memory-ports.ts';
import { RecordedEvents } from './recorded-events.ts';

const MODEL = 'schedule';
const ACTOR = 'synergy-cli';

async function world(versions = 3) {
  const clock = new FixedClock(new Date('2026-02-01T09:00:00.000Z'));
  const registry = new MemoryRegistry(clock);
  for (let i = 0; i < versions; i++) {
    await registry.createVersion({
      modelName: MODEL,
      algorithm: 'LogisticRegression',
      params: {},
      artifact: { uri: `s3://b/models/${MODEL}/r${i}/model.json`, sha256: 'a'.repeat(64), size: 1 },
      signature: { inputs: [], target: 'y', classes: ['a', 'b'] },
      metrics: { testAccuracy: 0.8, cvAccuracy: 0.8, cvStd: 0 },
      lineage: {
        runId: `r${i}`,
        trigger: 'upload',
        dataset: { uri: 's3://b/d.csv', digest: 'd' },
        codeVersion: 't',
      },
    });
  }
  const events = new RecordedEvents();
  return { registry, clock, events, deps: { registry, clock, events } };
}

const championMoves = async (registry: MemoryRegistry) =>
  (await registry.listAudit(MODEL)).filter((a) => a.action === 'AliasMoved' && a.alias === 'champion');

describe('promoteVersion', () => {
  it('makes a version champion, audited with the actor and reason, and announced', async () => {
    const { registry, events, deps, clock } = await world();
    const first = await promoteVersion(deps, { modelName: MODEL, version: 1, actor: ACTOR, reason: 'first' });
    expect(first).toMatchObject({ alias: 'champion', version: 1, revision: 1 });
    clock.advance(1000);
    const second = await promoteVersion(deps, {
      modelName: MODEL,
      version: 3,
      actor: ACTOR,
      reason: 'v3 is better',
    });
    expect(second).toMatchObject({ version: 3, revision: 2 });
    expect((await registry.getAlias(MODEL, 'champion'))?.version).toBe(3);
    expect((await championMoves(registry)).map((a) => [a.version, a.fromVersion, a.actor, a.reason])).toEqual(
      [
        [1, undefined, ACTOR, 'first'],
        [3, 1, ACTOR, 'v3 is better'],
      ],
    );
    expect(events.published).toEqual([
      {
        type: 'AliasMoved',
        modelName: MODEL,
        alias: 'champion',
        version: 1,
        reason: 'first',
        actor: ACTOR,
        at: '2026-02-01T09:00:00.000Z',
      },
      {
        type: 'AliasMoved',
        modelName: MODEL,
        alias: 'champion',
        version: 3,
        fromVersion: 1,
        reason: 'v3 is better',
        actor: ACTOR,
        at: '2026-02-01T09:00:01.000Z',
      },
    ]);
  });

  it('refuses a version that is not registered, changing nothing', async () => {
    const { registry, events, deps } = await world();
    const error = await promoteVersion(deps, {
      modelName: MODEL,
      version: 9,
      actor: ACTOR,
      reason: 'x',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(`${MODEL} v9 is not registered`);
    await expect(
      promoteVersion(deps, { modelName: 'other', version: 1, actor: ACTOR, reason: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await registry.getAlias(MODEL, 'champion')).toBeUndefined();
    expect(await championMoves(registry)).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it('promoting the current champion is a no-op: the alias as it is, no audit entry, no event', async () => {
    const { registry, events, deps } = await world();
    const moved = await promoteVersion(deps, { modelName: MODEL, version: 2, actor: ACTOR, reason: 'x' });
    const again = await promoteVersion(deps, { modelName: MODEL, version: 2, actor: ACTOR, reason: 'again' });
    expect(again).toEqual(moved);
    expect(await championMoves(registry)).toHaveLength(1);
    expect(events.published).toHaveLength(1);
  });

  it('fails with ConflictError when someone moves the champion at the same moment, announcing nothing', async () => {
    const { registry, events, clock } = await world();
    await promoteVersion(
      { registry, clock, events },
      { modelName: MODEL, version: 1, actor: ACTOR, reason: 'x' },
    );
    const racing = new RacingRegistry(registry);
    const error = await promoteVersion(
      { registry: racing, clock, events },
      { modelName: MODEL, version: 3, actor: ACTOR, reason: 'mine' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((await registry.getAlias(MODEL, 'champion'))?.version).toBe(2);
    expect(events.published.map((e) => e.version)).toEqual([1]);
  });
});

describe('rollbackChampion', () => {
  it('moves the champion back to the version it replaced; a second rollback toggles back', async () => {
    const { registry, events, deps } = await world();
    await promoteVersion(deps, { modelName: MODEL, version: 1, actor: ACTOR, reason: 'a' });
    await promoteVersion(deps, { modelName: MODEL, version: 3, actor: ACTOR, reason: 'b' });

    const back = await rollbackChampion(deps, { modelName: MODEL, actor: 'alice', reason: 'v3 misbehaves' });
    expect(back).toMatchObject({ from: 3, to: 1, alias: { version: 1, revision: 3 } });
    const [, , rollback] = await championMoves(registry);
    expect(rollback).toMatchObject({
      version: 1,
      fromVersion: 3,
      actor: 'alice',
      reason: 'rollback from v3: v3 misbehaves',
    });
    expect(events.published.at(-1)).toMatchObject({
      type: 'AliasMoved',
      alias: 'champion',
      version: 1,
      fromVersion: 3,
      actor: 'alice',
      reason: 'rollback from v3: v3 misbehaves',
    });

    const toggled = await rollbackChampion(deps, {
      modelName: MODEL,
      actor: 'alice',
      reason: 'fixed after all',
    });
    expect(toggled).toMatchObject({ from: 1, to: 3 });
    expect((await registry.getAlias(MODEL, 'champion'))?.version).toBe(3);
    expect(events.published).toHaveLength(4);
  });

  it('says so when there is no previous champion, or no champion at all', async () => {
    const { registry, events, deps } = await world();
    const none = await rollbackChampion(deps, { modelName: MODEL, actor: ACTOR, reason: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(none).toBeInstanceOf(NotFoundError);
    expect((none as Error).message).toBe(`${MODEL} has no champion to roll back`);

    await promoteVersion(deps, { modelName: MODEL, version: 2, actor: ACTOR, reason: 'first' });
    const first = await rollbackChampion(deps, { modelName: MODEL, actor: ACTOR, reason: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(first).toBeInstanceOf(NotFoundError);
    expect((first as Error).message).toBe(
      `${MODEL} has no previous champion to roll back to: v2 is its first champion`,
    );
    expect((await registry.getAlias(MODEL, 'champion'))?.version).toBe(2);
    expect(events.published).toHaveLength(1);
  });

  it('refuses when the alias and its audit trail disagree', async () => {
    const { registry, deps } = await world();
    await promoteVersion(deps, { modelName: MODEL, version: 1, actor: ACTOR, reason: 'a' });
    await promoteVersion(deps, { modelName: MODEL, version: 2, actor: ACTOR, reason: 'b' });
    // An alias write whose audit entry never landed.
    const champion = await registry.getAlias(MODEL, 'champion');
    if (champion === undefined) throw new Error('no champion');
    registry.aliases.set(`${MODEL}#champion`, { ...champion, version: 3 });
    await expect(
      rollbackChampion(deps, { modelName: MODEL, actor: ACTOR, reason: 'x' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

/** Delegates to a registry, but someone promotes v2 just before each champion move is applied. */
class RacingRegistry {
  constructor(private readonly inner: MemoryRegistry) {}

  getVersion(modelName: string, version: number) {
    return this.inner.getVersion(modelName, version);
  }

  getAlias(modelName: string, alias: AliasName) {
    return this.inner.getAlias(modelName, alias);
  }

  listAudit(modelName: string) {
    return this.inner.listAudit(modelName);
  }

  async moveAlias(move: Parameters<MemoryRegistry['moveAlias']>[0]): Promise<AliasRecord> {
    const current = await this.inner.getAlias(move.modelName, 'champion');
    await this.inner.moveAlias({
      ...move,
      version: 2,
      expectedRevision: current?.revision,
      reason: 'someone else',
      actor: 'bob',
    });
    return this.inner.moveAlias(move);
  }
}
