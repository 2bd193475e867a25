import { beforeAll, describe, expect, it } from 'vitest';
import {
  runConstraintsKey,
  runStatisticsKey,
  versionConstraintsKey,
  versionStatisticsKey,
} from '../../../layers/core/monitoring/monitoring-keys.ts';
import { ArtifactIntegrityError, sha256Hex } from '../../../layers/core/pipeline/model-document.ts';
import type { StateAfterEvaluate } from '../../../layers/core/pipeline/register-model.ts';
import { modelArtifactKey, registerModel } from '../../../layers/core/pipeline/register-model.ts';
import { RecordedEvents } from '../registry/recorded-events.ts';
import { BUCKET, newWorld, runToEvaluate, type World } from './pipeline-fixture.ts';
import { MID, MODEL_NAME, runSpec, STRONG, WEAK } from './strengths.ts';

describe('registerModel', () => {
  let world: World;
  let strong: StateAfterEvaluate;
  let weak: StateAfterEvaluate;
  let mid: StateAfterEvaluate;
  const events = new RecordedEvents();
  const at = (key: string) => ({ bucket: BUCKET, key });

  beforeAll(async () => {
    world = newWorld();
    strong = await runToEvaluate(world, runSpec('run-strong', STRONG));
    weak = await runToEvaluate(world, runSpec('run-weak', WEAK));
    mid = await runToEvaluate(world, runSpec('run-mid', { ...MID, promotionMargin: 0.5 }));
    // The scenarios below depend on this ranking.
    expect(weak.evaluation.testAccuracy).toBeLessThan(mid.evaluation.testAccuracy);
    expect(mid.evaluation.testAccuracy).toBeLessThan(strong.evaluation.testAccuracy);
  });

  it('registers the first version with its artifact, lineage and challenger alias, and promotes it', async () => {
    const out = await registerModel({ ...world.deps, events }, strong);
    const key = modelArtifactKey(MODEL_NAME, 'run-strong');
    expect(out).toMatchObject({
      modelName: MODEL_NAME,
      version: 1,
      artifact: { bucket: BUCKET, key },
      promote: true,
      gate: { margin: 0 },
    });
    // The holdout is the test split, so re-scoring the registered artifact on it gives the test accuracy.
    expect(out.gate.newAccuracy).toBe(strong.evaluation.testAccuracy);
    expect(out.gate.reason).toContain('no champion');

    const stored = await world.artifacts.readBytes({ bucket: BUCKET, key });
    expect(stored).toEqual(await world.artifacts.readBytes(strong.evaluation.modelDocument));
    const version = await world.registry.getVersion(MODEL_NAME, 1);
    expect(version).toMatchObject({
      algorithm: 'LogisticRegression',
      params: { C: 1 },
      artifact: { uri: `s3://${BUCKET}/${key}`, sha256: sha256Hex(stored), size: stored.length },
      metrics: { testAccuracy: strong.evaluation.testAccuracy },
      lineage: {
        runId: 'run-strong',
        trigger: 'upload',
        reason: 'test run-strong',
        dataset: { uri: strong.prep.source.uri, digest: strong.prep.source.digest },
        codeVersion: 'test-sha',
      },
    });
    expect(version?.signature.target).toBe(strong.prep.target);
    expect((await world.registry.getAlias(MODEL_NAME, 'challenger'))?.version).toBe(1);
  });

  it('copies the run’s baseline next to the version, byte for byte', async () => {
    for (const [runKey, versionKey] of [
      [runStatisticsKey('run-strong'), versionStatisticsKey(MODEL_NAME, 1)],
      [runConstraintsKey('run-strong'), versionConstraintsKey(MODEL_NAME, 1)],
    ]) {
      const copied = Buffer.from(await world.artifacts.readBytes(at(versionKey)));
      expect(copied.length).toBeGreaterThan(0);
      expect(copied.equals(Buffer.from(await world.artifacts.readBytes(at(runKey))))).toBe(true);
    }
  });

  it('announces the version with its lineage', async () => {
    const version = await world.registry.getVersion(MODEL_NAME, 1);
    expect(events.published).toEqual([
      {
        type: 'ModelVersionCreated',
        modelName: MODEL_NAME,
        version: 1,
        runId: 'run-strong',
        trigger: 'upload',
        reason: 'test run-strong',
        testAccuracy: strong.evaluation.testAccuracy,
        at: version?.createdAt,
      },
    ]);
  });

  it('returns the same version when retried, without a new version or registry change', async () => {
    const auditBefore = (await world.registry.listAudit(MODEL_NAME)).length;
    world.clock.advance(60_000);
    const again = await registerModel({ ...world.deps, events }, strong);
    expect(again.version).toBe(1);
    expect(await world.registry.listVersions(MODEL_NAME)).toHaveLength(1);
    expect(await world.registry.listAudit(MODEL_NAME)).toHaveLength(auditBefore);
    // Announced again (at least once), as the very same event, so consumers can drop the repeat.
    expect(events.published).toHaveLength(2);
    expect(events.published[1]).toEqual(events.published[0]);
  });

  it('keeps a retraining’s trigger and reason in the lineage and its announcement', async () => {
    const other = newWorld();
    const evaluated = await runToEvaluate(other, runSpec('run-retrain', WEAK));
    const reason = 'drift: alarm synergy-local-schedule-drift went to ALARM at 2026-01-01T00:05:00.000+0000';
    const state = {
      ...evaluated,
      request: { ...evaluated.request, trigger: { kind: 'drift' as const }, reason },
    };
    const announced = new RecordedEvents();
    await registerModel({ ...other.deps, events: announced }, state);
    expect((await other.registry.getVersion(MODEL_NAME, 1))?.lineage).toMatchObject({
      trigger: 'drift',
      reason,
    });
    expect(announced.published).toMatchObject([{ type: 'ModelVersionCreated', trigger: 'drift', reason }]);
  });

  it('registers a run prepared before monitoring existed, with no baseline to copy', async () => {
    const other = newWorld();
    const state = await runToEvaluate(other, runSpec('run-old', WEAK));
    other.artifacts.objects.delete(`s3://${BUCKET}/${runStatisticsKey('run-old')}`);
    other.artifacts.objects.delete(`s3://${BUCKET}/${runConstraintsKey('run-old')}`);
    expect((await registerModel(other.deps, state)).version).toBe(1);
    expect(await other.artifacts.head(at(versionStatisticsKey(MODEL_NAME, 1)))).toBeUndefined();
  });

  it('does not promote a version worse than the champion, re-scoring the champion on this holdout', async () => {
    await world.registry.moveAlias({
      modelName: MODEL_NAME,
      alias: 'champion',
      version: 1,
      expectedRevision: undefined,
      reason: 'test',
      actor: 'test',
    });
    const out = await registerModel(world.deps, weak);
    expect(out.version).toBe(2);
    expect(out.promote).toBe(false);
    expect(out.gate).toMatchObject({
      newAccuracy: weak.evaluation.testAccuracy,
      championVersion: 1,
      championAccuracy: strong.evaluation.testAccuracy,
    });
    expect(out.gate.reason).toContain('does not beat champion v1');
    expect((await world.registry.getAlias(MODEL_NAME, 'challenger'))?.version).toBe(2);
  });

  it('respects the run’s promotion margin', async () => {
    // Better than the weak champion, but not by the configured 50 points.
    await world.registry.moveAlias({
      modelName: MODEL_NAME,
      alias: 'champion',
      version: 2,
      expectedRevision: (await world.registry.getAlias(MODEL_NAME, 'champion'))?.revision,
      reason: 'test',
      actor: 'test',
    });
    const out = await registerModel(world.deps, mid);
    expect(out.version).toBe(3);
    expect(out.gate.newAccuracy).toBeGreaterThan(out.gate.championAccuracy ?? 1);
    expect(out.gate.margin).toBe(0.5);
    expect(out.promote).toBe(false);
    expect(out.gate.reason).toContain('margin 50.00%');
  });

  it('does not move the challenger back when an older run’s Register is retried', async () => {
    await registerModel(world.deps, weak);
    expect((await world.registry.getAlias(MODEL_NAME, 'challenger'))?.version).toBe(3);
    expect(await world.registry.listVersions(MODEL_NAME)).toHaveLength(3);
  });

  it('writes nothing to the registry when the run’s model document was tampered with', async () => {
    const other = newWorld();
    const state = await runToEvaluate(other, runSpec('run-tampered', WEAK));
    const bytes = await other.artifacts.readBytes(state.evaluation.modelDocument);
    const tampered = new TextDecoder().decode(bytes).replace('"runId":"run-tampered"', '"runId":"run-other"');
    await other.artifacts.write(state.evaluation.modelDocument, tampered);
    const error = await registerModel(other.deps, state).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactIntegrityError);
    expect((error as Error).message).toContain(`expected ${state.evaluation.sha256}`);
    expect(await other.registry.listVersions(MODEL_NAME)).toEqual([]);
    expect(await other.registry.listAudit(MODEL_NAME)).toEqual([]);
    expect(await other.registry.getAlias(MODEL_NAME, 'challenger')).toBeUndefined();
    expect(
      await other.artifacts.head({ bucket: BUCKET, key: modelArtifactKey(MODEL_NAME, 'run-tampered') }),
    ).toBe(undefined);
  });
});
