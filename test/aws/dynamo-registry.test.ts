import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRegistry } from '../../layers/aws/dynamo-registry.ts';
import { ConflictError } from '../../layers/core/errors.ts';
import type { NewModelVersion } from '../../layers/core/pipeline/records.ts';
import { type LocalServices, REGISTRY_TABLE, startLocalServices } from '../support/local-services.ts';
import { FixedClock } from '../support/memory-ports.ts';

let services: LocalServices;

beforeAll(async () => {
  services = await startLocalServices();
});

afterAll(async () => {
  await services?.stop();
});

function newVersion(modelName: string, runId: string): NewModelVersion {
  return {
    modelName,
    algorithm: 'RandomForest',
    params: { nEstimators: 50, maxDepth: null },
    artifact: {
      uri: `s3://data/models/${modelName}/${runId}/model.json`,
      sha256: 'ab'.repeat(32),
      size: 1234,
    },
    signature: {
      inputs: [
        { name: 'sepal_length', type: 'number', optional: false },
        { name: 'island', type: 'string', levels: ['Biscoe', 'Dream'], optional: true },
      ],
      target: 'species',
      classes: ['setosa', 'versicolor', 2],
    },
    metrics: { testAccuracy: 0.97, cvAccuracy: 0.955, cvStd: 0.012 },
    lineage: {
      runId,
      trigger: 'upload',
      dataset: { uri: 's3://data/incoming/iris/iris.csv', digest: 'cd'.repeat(32) },
      codeVersion: 'test',
    },
  };
}

describe('DynamoRegistry on dynalite', () => {
  it('gives 10 concurrent registrations the versions 1..10, each once', async () => {
    const registry = new DynamoRegistry(services.doc, REGISTRY_TABLE);
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) => registry.createVersion(newVersion('concurrent', `run-${i}`))),
    );

    expect(created.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Each run got its own version: no registration overwrote another.
    const byVersion = await Promise.all(created.map((v) => registry.getVersion('concurrent', v.version)));
    expect(byVersion.map((v) => v?.lineage.runId)).toEqual(created.map((v) => v.lineage.runId));
    expect((await registry.listVersions('concurrent')).map((v) => v.version)).toEqual([
      10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
    ]);
    expect((await registry.listVersions('concurrent', { limit: 3 })).map((v) => v.version)).toEqual([
      10, 9, 8,
    ]);

    const audit = await registry.listAudit('concurrent');
    expect(
      audit
        .filter((a) => a.action === 'VersionCreated')
        .map((a) => a.version ?? 0)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await registry.listModels()).find((m) => m.modelName === 'concurrent')?.latestVersion).toBe(10);
  });

  it('round-trips a version record exactly, and numbers past 9 sort numerically', async () => {
    const clock = new FixedClock(new Date('2026-02-01T00:00:00.000Z'));
    const registry = new DynamoRegistry(services.doc, REGISTRY_TABLE, { clock });
    for (let i = 1; i <= 11; i++) await registry.createVersion(newVersion('sorted', `run-${i}`));

    expect(await registry.getVersion('sorted', 11)).toEqual({
      ...newVersion('sorted', 'run-11'),
      version: 11,
      createdAt: '2026-02-01T00:00:00.000Z',
    });
    expect(await registry.getVersion('sorted', 12)).toBeUndefined();
    expect((await registry.listVersions('sorted', { limit: 2 })).map((v) => v.version)).toEqual([11, 10]);
  });

  it('moves an alias only from the expected revision and audits each move with the version it left', async () => {
    const clock = new FixedClock(new Date('2026-03-01T00:00:00.000Z'));
    const registry = new DynamoRegistry(services.doc, REGISTRY_TABLE, { clock });
    await registry.createVersion(newVersion('aliases', 'run-1'));
    await registry.createVersion(newVersion('aliases', 'run-2'));
    const move = {
      modelName: 'aliases',
      alias: 'champion' as const,
      reason: 'beats champion',
      actor: 'pipeline',
    };

    const first = await registry.moveAlias({ ...move, version: 1, expectedRevision: undefined });
    expect(first).toEqual({
      modelName: 'aliases',
      alias: 'champion',
      version: 1,
      revision: 1,
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    const again = await registry
      .moveAlias({ ...move, version: 2, expectedRevision: undefined })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as Error).message).toBe('alias champion of aliases is at revision 1, expected none');

    clock.advance(1000);
    const second = await registry.moveAlias({ ...move, version: 2, expectedRevision: 1 });
    expect(second.revision).toBe(2);
    await expect(registry.moveAlias({ ...move, version: 1, expectedRevision: 1 })).rejects.toThrow(
      'alias champion of aliases is at revision 2, expected 1',
    );
    expect(await registry.getAlias('aliases', 'champion')).toEqual(second);
    expect(await registry.getAlias('aliases', 'challenger')).toBeUndefined();

    const moves = (await registry.listAudit('aliases')).filter((a) => a.action === 'AliasMoved');
    expect(moves).toEqual([
      expect.objectContaining({ version: 1, alias: 'champion', reason: 'beats champion', actor: 'pipeline' }),
      expect.objectContaining({ version: 2, fromVersion: 1, at: '2026-03-01T00:00:01.000Z' }),
    ]);
    expect('fromVersion' in moves[0]).toBe(false);
  });

  it('lets exactly one of two concurrent moves from the same revision win', async () => {
    const registry = new DynamoRegistry(services.doc, REGISTRY_TABLE);
    await registry.createVersion(newVersion('race', 'run-1'));
    await registry.createVersion(newVersion('race', 'run-2'));
    const move = {
      modelName: 'race',
      alias: 'challenger' as const,
      reason: 'r',
      actor: 'a',
      expectedRevision: undefined,
    };

    const outcomes = await Promise.allSettled([
      registry.moveAlias({ ...move, version: 1 }),
      registry.moveAlias({ ...move, version: 2 }),
    ]);

    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const stored = await registry.getAlias('race', 'challenger');
    expect(stored?.version).toBe((won[0] as PromiseFulfilledResult<{ version: number }>).value.version);
    expect((await registry.listAudit('race')).filter((a) => a.action === 'AliasMoved')).toHaveLength(1);
  });

  it('keeps the audit trail in write order, even within one millisecond', async () => {
    const registry = new DynamoRegistry(services.doc, REGISTRY_TABLE, {
      clock: new FixedClock(new Date('2026-04-01T00:00:00.000Z')),
    });
    for (let i = 1; i <= 3; i++) {
      const created = await registry.createVersion(newVersion('trail', `run-${i}`));
      await registry.moveAlias({
        modelName: 'trail',
        alias: 'challenger',
        version: created.version,
        expectedRevision: i === 1 ? undefined : i - 1,
        reason: `run-${i} registered`,
        actor: 'pipeline',
      });
    }

    const audit = await registry.listAudit('trail');
    expect(audit.map((a) => `${a.action}:${a.version}:${a.fromVersion ?? '-'}`)).toEqual([
      'VersionCreated:1:-',
      'AliasMoved:1:-',
      'VersionCreated:2:-',
      'AliasMoved:2:1',
      'VersionCreated:3:-',
      'AliasMoved:3:2',
    ]);
    expect(audit[0]).toMatchObject({
      modelName: 'trail',
      reason: 'registered by run run-1',
      actor: 'pipeline',
    });
  });

  it('summarises every model with its latest version and aliases', async () => {
    const registry = new DynamoRegistry(services.doc, REGISTRY_TABLE);
    await registry.createVersion(newVersion('summary-a', 'run-1'));
    await registry.createVersion(newVersion('summary-a', 'run-2'));
    await registry.createVersion(newVersion('summary-b', 'run-3'));
    await registry.moveAlias({
      modelName: 'summary-a',
      alias: 'champion',
      version: 1,
      expectedRevision: undefined,
      reason: 'first',
      actor: 'op',
    });
    await registry.moveAlias({
      modelName: 'summary-a',
      alias: 'challenger',
      version: 2,
      expectedRevision: undefined,
      reason: 'second',
      actor: 'op',
    });

    const models = await registry.listModels();
    expect(models.map((m) => m.modelName)).toEqual([...models.map((m) => m.modelName)].sort());
    expect(models.find((m) => m.modelName === 'summary-a')).toEqual({
      modelName: 'summary-a',
      latestVersion: 2,
      champion: 1,
      challenger: 2,
    });
    expect(models.find((m) => m.modelName === 'summary-b')).toEqual({
      modelName: 'summary-b',
      latestVersion: 1,
    });
  });
});
