import { beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from '../../../layers/core/ports.ts';
import { AliasResolver } from '../../../layers/core/serving/alias-resolver.ts';
import { ServingRequestError } from '../../../layers/core/serving/errors.ts';
import { ServingFixture, type TrainedDocument, trainDocument } from './serving-fixture.ts';

let forest: TrainedDocument;

beforeAll(async () => {
  forest = await trainDocument('RandomForest', { n_estimators: 5 });
});

type Counted = 'getAlias' | 'getVersion' | 'listVersions' | 'getRouting';

function counting(fixture: ServingFixture): { resolver: AliasResolver; calls: Record<Counted, number> } {
  const calls: Record<Counted, number> = { getAlias: 0, getVersion: 0, listVersions: 0, getRouting: 0 };
  const registry: Pick<Registry, Counted> = {
    getAlias: (...args) => {
      calls.getAlias++;
      return fixture.registry.getAlias(...args);
    },
    getVersion: (...args) => {
      calls.getVersion++;
      return fixture.registry.getVersion(...args);
    },
    listVersions: (...args) => {
      calls.listVersions++;
      return fixture.registry.listVersions(...args);
    },
    getRouting: (...args) => {
      calls.getRouting++;
      return fixture.registry.getRouting(...args);
    },
  };
  return { resolver: new AliasResolver({ ...fixture.deps, registry }), calls };
}

async function notFound(promise: Promise<unknown>): Promise<ServingRequestError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ServingRequestError);
  expect((error as ServingRequestError).status).toBe(404);
  return error as ServingRequestError;
}

describe('alias resolver', () => {
  it('reuses an alias for aliasTtlMs, then sees where it moved', async () => {
    const fixture = new ServingFixture({ settings: { aliasTtlMs: 5_000 } });
    await fixture.register(forest);
    await fixture.register(forest);
    await fixture.moveAlias('champion', 1);
    const { resolver, calls } = counting(fixture);
    expect((await resolver.resolveAlias('schedule', 'champion')).version).toBe(1);
    await fixture.moveAlias('champion', 2);
    fixture.clock.advance(4_999);
    expect((await resolver.resolveAlias('schedule', 'champion')).version).toBe(1);
    expect(calls.getAlias).toBe(1);
    fixture.clock.advance(2);
    expect((await resolver.resolveAlias('schedule', 'champion')).version).toBe(2);
    expect(calls.getAlias).toBe(2);
  });

  it('asks the registry every time when the TTL is 0', async () => {
    const fixture = new ServingFixture({ settings: { aliasTtlMs: 0 } });
    await fixture.register(forest);
    await fixture.moveAlias('champion', 1);
    const { resolver, calls } = counting(fixture);
    await resolver.resolveAlias('schedule', 'champion');
    await resolver.resolveAlias('schedule', 'champion');
    expect(calls.getAlias).toBe(2);
    // Version records never change, so they are kept even then.
    expect(calls.getVersion).toBe(1);
  });

  it('keeps version records past any TTL, and shares concurrent lookups', async () => {
    const fixture = new ServingFixture({ settings: { aliasTtlMs: 1_000 } });
    await fixture.register(forest);
    const { resolver, calls } = counting(fixture);
    const records = await Promise.all([1, 2, 3].map(() => resolver.resolveVersion('schedule', 1)));
    expect(records.map((record) => record.version)).toEqual([1, 1, 1]);
    fixture.clock.advance(60_000);
    await resolver.resolveVersion('schedule', 1);
    expect(calls.getVersion).toBe(1);
  });

  it('caches routing for the TTL', async () => {
    const fixture = new ServingFixture({ settings: { aliasTtlMs: 1_000 } });
    const { resolver, calls } = counting(fixture);
    expect(await resolver.routing('schedule')).toBeUndefined();
    await fixture.route({ champion: 50, challenger: 50 });
    expect(await resolver.routing('schedule')).toBeUndefined();
    fixture.clock.advance(1_001);
    expect((await resolver.routing('schedule'))?.weights).toEqual({ champion: 50, challenger: 50 });
    expect(calls.getRouting).toBe(2);
  });

  it('answers 404 naming the missing model, alias or version', async () => {
    const fixture = new ServingFixture();
    await fixture.register(forest);
    await fixture.moveAlias('champion', 1);
    const { resolver } = counting(fixture);
    expect((await notFound(resolver.resolveAlias('nope', 'champion'))).message).toBe('no model named nope');
    expect((await notFound(resolver.resolveVersion('nope', 1))).message).toBe('no model named nope');
    expect((await notFound(resolver.resolveAlias('schedule', 'challenger'))).message).toBe(
      'model schedule has no challenger alias',
    );
    const missing = await notFound(resolver.resolveVersion('schedule', 9));
    expect(missing.message).toBe('model schedule has no version 9');
    expect(missing.field).toBe('version');
    expect((await notFound(resolver.versions('nope'))).message).toBe('no model named nope');
  });

  it('lets an absent version expire, so one registered later is found', async () => {
    const fixture = new ServingFixture({ settings: { aliasTtlMs: 1_000 } });
    await fixture.register(forest);
    const { resolver } = counting(fixture);
    await notFound(resolver.resolveVersion('schedule', 2));
    await fixture.register(forest);
    fixture.clock.advance(1_001);
    expect((await resolver.resolveVersion('schedule', 2)).version).toBe(2);
  });

  it('does not keep a failed registry call', async () => {
    const fixture = new ServingFixture();
    await fixture.register(forest);
    let failures = 1;
    const resolver = new AliasResolver({
      ...fixture.deps,
      registry: {
        ...fixture.registry,
        getVersion: (...args) => {
          if (failures-- > 0) return Promise.reject(new Error('throttled'));
          return fixture.registry.getVersion(...args);
        },
        getAlias: (...args) => fixture.registry.getAlias(...args),
        listVersions: (...args) => fixture.registry.listVersions(...args),
        getRouting: (...args) => fixture.registry.getRouting(...args),
      },
    });
    await expect(resolver.resolveVersion('schedule', 1)).rejects.toThrow('throttled');
    expect((await resolver.resolveVersion('schedule', 1)).version).toBe(1);
  });
});
