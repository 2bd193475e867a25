import { beforeAll, describe, expect, it } from 'vitest';
import type { StateAfterRegister } from '../../../layers/core/pipeline/promote-model.ts';
import { promoteModel } from '../../../layers/core/pipeline/promote-model.ts';
import type { AliasName, AliasRecord } from '../../../layers/core/pipeline/records.ts';
import { registerModel } from '../../../layers/core/pipeline/register-model.ts';
import { MemoryRegistry } from '../../support/memory-ports.ts';
import { RecordedEvents } from '../registry/recorded-events.ts';
import { newWorld, runToEvaluate, type World } from './pipeline-fixture.ts';
import { MID, MODEL_NAME, runSpec, STRONG, WEAK } from './strengths.ts';

/**
 * A registry where, once armed, someone else promotes `version` at the very moment the pipeline tries
 * to move the champion: the pipeline's conditional move then loses (ConflictError).
 */
class RacingRegistry extends MemoryRegistry {
  interloper: number | undefined;
  championMoves = 0;

  override async moveAlias(move: {
    modelName: string;
    alias: AliasName;
    version: number;
    expectedRevision: number | undefined;
    reason: string;
    actor: string;
  }): Promise<AliasRecord> {
    if (move.alias === 'champion' && move.actor.startsWith('run/')) {
      this.championMoves++;
      const version = this.interloper;
      if (version !== undefined) {
        this.interloper = undefined;
        const current = await this.getAlias(move.modelName, 'champion');
        await super.moveAlias({
          ...move,
          version,
          expectedRevision: current?.revision,
          reason: 'promoted by an operator',
          actor: 'operator',
        });
      }
    }
    return super.moveAlias(move);
  }
}

describe('promoteModel', () => {
  let world: World;
  let registry: RacingRegistry;
  let events: RecordedEvents;

  async function registered(runId: string, config: Record<string, unknown>): Promise<StateAfterRegister> {
    const evaluated = await runToEvaluate(world, runSpec(runId, config));
    return { ...evaluated, registration: await registerModel(world.deps, evaluated) };
  }

  const champion = async () => (await registry.getAlias(MODEL_NAME, 'champion'))?.version;
  const championAudit = async () =>
    (await registry.listAudit(MODEL_NAME)).filter((a) => a.action === 'AliasMoved' && a.alias === 'champion');

  beforeAll(() => {
    world = newWorld((clock) => new RacingRegistry(clock));
    registry = world.registry as RacingRegistry;
    events = new RecordedEvents();
  });

  it('makes the first version champion, with the gate’s reason in the audit trail and an event', async () => {
    const weak = await registered('run-weak', WEAK);
    expect(weak.registration.promote).toBe(true);
    const out = await promoteModel({ ...world.deps, events }, weak);
    expect(out).toEqual({
      promoted: true,
      modelName: MODEL_NAME,
      version: 1,
      reason: weak.registration.gate.reason,
    });
    expect(await champion()).toBe(1);
    const [audit] = await championAudit();
    expect(audit.reason).toBe(`promoted by run run-weak: ${weak.registration.gate.reason}`);
    expect(audit.actor).toBe('run/run-weak');
    expect(events.published).toEqual([
      {
        type: 'AliasMoved',
        modelName: MODEL_NAME,
        alias: 'champion',
        version: 1,
        reason: weak.registration.gate.reason,
        actor: 'run/run-weak',
        at: audit.at,
      },
    ]);
    expect(events.batches).toBe(1);
    expect(world.metrics.points.filter((p) => p.name === 'ModelsPromoted')).toHaveLength(1);
    expect((await world.experiments.getRun('run-weak'))?.stage).toBe('promote');

    // A retried Promote finds the work done.
    const again = await promoteModel({ ...world.deps, events }, weak);
    expect(again.promoted).toBe(true);
    expect(await championAudit()).toHaveLength(1);
    expect(events.published).toHaveLength(1);
  });

  it('on a lost race, re-runs the gate against the new champion and promotes if still better', async () => {
    const mid = await registered('run-mid', MID);
    const weak2 = await registered('run-weak-2', WEAK);
    expect(mid.registration).toMatchObject({ version: 2, promote: true, gate: { championVersion: 1 } });
    expect(weak2.registration.version).toBe(3);
    registry.interloper = 3;
    registry.championMoves = 0;
    const published = events.published.length;
    const out = await promoteModel({ ...world.deps, events }, mid);
    expect(out).toMatchObject({ promoted: true, version: 2, fromVersion: 3 });
    // Only the move that happened is announced, from the champion it actually replaced.
    expect(events.published.slice(published)).toMatchObject([
      { type: 'AliasMoved', version: 2, fromVersion: 3, actor: 'run/run-mid' },
    ]);
    expect(out.reason).toContain('beats champion v3');
    expect(registry.championMoves).toBe(2);
    expect((await championAudit()).map((a) => [a.version, a.actor])).toEqual([
      [1, 'run/run-weak'],
      [3, 'operator'],
      [2, 'run/run-mid'],
    ]);
  });

  it('on a lost race against an equal champion, does not promote and says why', async () => {
    const strong = await registered('run-strong', STRONG);
    const strong2 = await registered('run-strong-2', STRONG);
    expect(strong.registration).toMatchObject({ version: 4, promote: true, gate: { championVersion: 2 } });
    expect(strong2.registration.version).toBe(5);
    registry.interloper = 5;
    const out = await promoteModel(world.deps, strong);
    expect(out.promoted).toBe(false);
    expect(out.reason).toContain('v4');
    expect(out.reason).toContain('does not beat champion v5');
    expect(await champion()).toBe(5);
  });

  it('does not promote over a champion someone promoted since Register, if that one is better', async () => {
    // run-mid-2 was compared with champion v5's predecessor at Register time; v5 (strong) now reigns.
    const evaluated = await runToEvaluate(world, runSpec('run-mid-2', MID));
    const registration = await registerModel(world.deps, evaluated);
    const stale = { ...registration, promote: true, gate: { ...registration.gate, championVersion: 1 } };
    const movesBefore = (await championAudit()).length;
    const out = await promoteModel(world.deps, { ...evaluated, registration: stale });
    expect(out.promoted).toBe(false);
    expect(out.reason).toContain(`does not beat champion v5`);
    expect(await championAudit()).toHaveLength(movesBefore);
  });
});
