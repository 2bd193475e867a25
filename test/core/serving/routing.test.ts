import { beforeAll, describe, expect, it } from 'vitest';
import { AliasResolver } from '../../../layers/core/serving/alias-resolver.ts';
import { ServingRequestError } from '../../../layers/core/serving/errors.ts';
import {
  drawAlias,
  resolveShadow,
  resolveTarget,
  type Selector,
  selectorOf,
} from '../../../layers/core/serving/routing.ts';
import { ServingFixture, type TrainedDocument, trainDocument } from './serving-fixture.ts';

let forest: TrainedDocument;

beforeAll(async () => {
  forest = await trainDocument('RandomForest', { n_estimators: 5 });
});

function selector(pathParameters: Record<string, string>, query: Record<string, string> = {}): Selector {
  return selectorOf({ pathParameters, query });
}

function refusal(run: () => unknown): ServingRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServingRequestError);
    return error as ServingRequestError;
  }
  throw new Error('expected a refusal');
}

const ROUTED: Selector = { kind: 'routed' };

describe('selectorOf', () => {
  it('takes the path version over ?alias=, then ?alias=, then the routing', () => {
    expect(selector({ name: 'm', version: '12' }, { alias: 'challenger' })).toEqual({
      kind: 'version',
      version: 12,
    });
    expect(selector({ name: 'm' }, { alias: 'challenger' })).toEqual({ kind: 'alias', alias: 'challenger' });
    expect(selector({ name: 'm' }, { other: 'x' })).toEqual(ROUTED);
  });

  it.each(['0', '01', '-1', '1.5', '1e3', 'abc', '', ' 1', '9999999999999999'])(
    'refuses version %j with 400',
    (version) => {
      const error = refusal(() => selector({ name: 'm', version }));
      expect(error.status).toBe(400);
      expect(error.field).toBe('version');
    },
  );

  it('refuses an alias that is not champion or challenger', () => {
    const error = refusal(() => selector({ name: 'm' }, { alias: 'constructor' }));
    expect([error.status, error.field, error.message]).toEqual([
      400,
      'alias',
      'alias: must be one of champion, challenger',
    ]);
  });
});

describe('drawAlias', () => {
  it('splits [0, 100) by the weights in alias order', () => {
    const weights = { champion: 90, challenger: 10 };
    expect(drawAlias({ weights }, () => 0)).toBe('champion');
    expect(drawAlias({ weights }, () => 0.8999)).toBe('champion');
    expect(drawAlias({ weights }, () => 0.9)).toBe('challenger');
    expect(drawAlias({ weights }, () => 0.9999)).toBe('challenger');
  });

  it('sends everything to the champion without routing, and whatever weights leave over', () => {
    expect(drawAlias(undefined, () => 0.99)).toBe('champion');
    expect(drawAlias({ weights: {} }, () => 0.99)).toBe('champion');
    expect(drawAlias({ weights: { challenger: 20 } }, () => 0.5)).toBe('champion');
    expect(drawAlias({ weights: { challenger: 20 } }, () => 0.1)).toBe('challenger');
    expect(drawAlias({ weights: { champion: 0, challenger: 100 } }, () => 0)).toBe('challenger');
  });
});

describe('resolveTarget and resolveShadow', () => {
  async function setup(): Promise<{ fixture: ServingFixture; resolver: AliasResolver }> {
    const fixture = new ServingFixture();
    for (let i = 0; i < 3; i++) await fixture.register(forest);
    await fixture.moveAlias('champion', 1);
    return { fixture, resolver: new AliasResolver(fixture.deps) };
  }

  it('resolves a version, an alias and the champion by default', async () => {
    const { fixture, resolver } = await setup();
    await fixture.moveAlias('challenger', 2);
    const random = (): number => 0.5;
    const byVersion = await resolveTarget(resolver, 'schedule', { kind: 'version', version: 3 }, random);
    expect([byVersion.record.version, byVersion.alias]).toEqual([3, undefined]);
    const byAlias = await resolveTarget(resolver, 'schedule', { kind: 'alias', alias: 'challenger' }, random);
    expect([byAlias.record.version, byAlias.alias]).toEqual([2, 'challenger']);
    const routed = await resolveTarget(resolver, 'schedule', ROUTED, random);
    expect([routed.record.version, routed.alias]).toEqual([1, 'champion']);
  });

  it('sends a canary share to the champion while the challenger alias is not set', async () => {
    const { fixture, resolver } = await setup();
    await fixture.route({ champion: 0, challenger: 100 });
    const routed = await resolveTarget(resolver, 'schedule', ROUTED, () => 0.5);
    expect([routed.record.version, routed.alias]).toEqual([1, 'champion']);
  });

  it('shadows only routed requests, with another version than the one that answered', async () => {
    const { fixture, resolver } = await setup();
    await fixture.moveAlias('challenger', 2);
    const champion = await resolveTarget(resolver, 'schedule', ROUTED, () => 0.5);
    expect(await resolveShadow(resolver, ROUTED, champion)).toBeUndefined(); // no routing record
    await fixture.route({ champion: 100 }, 'challenger');
    const fresh = new AliasResolver(fixture.deps);
    const shadow = await resolveShadow(fresh, ROUTED, champion);
    expect([shadow?.record.version, shadow?.alias]).toEqual([2, 'challenger']);
    expect(await resolveShadow(fresh, { kind: 'alias', alias: 'champion' }, champion)).toBeUndefined();
    expect(await resolveShadow(fresh, { kind: 'version', version: 1 }, champion)).toBeUndefined();
    const challenger = await resolveTarget(
      fresh,
      'schedule',
      { kind: 'alias', alias: 'challenger' },
      () => 0,
    );
    expect(await resolveShadow(fresh, ROUTED, challenger)).toBeUndefined(); // the same version
  });

  it('has no shadow when the shadow alias is not set', async () => {
    const { fixture, resolver } = await setup();
    await fixture.route({ champion: 100 }, 'challenger');
    const champion = await resolveTarget(resolver, 'schedule', ROUTED, () => 0.5);
    expect(await resolveShadow(resolver, ROUTED, champion)).toBeUndefined();
  });
});
