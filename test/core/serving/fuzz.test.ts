/**
 * Fuzz: 12,000 generated requests (all routes, all three protocols) with bodies a client could send by
 * mistake or on purpose — wrong types, huge numbers, deep nesting, `__proto__`/`constructor` keys,
 * truncated or mutated JSON, random bytes, wrong content types — must never be answered 5xx, and must
 * leave Object.prototype untouched. The generator is seeded, so a failure names a reproducible case.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { handleServingRequest } from '../../../layers/core/serving/serve.ts';
import { ALIASES, Generator, INPUTS, NAMES, ROUTES, VERSIONS } from './fuzz-generator.ts';
import { ServingFixture, trainDocument } from './serving-fixture.ts';

const CASES = 12_000;
const SEED = 20260505;

describe('fuzz', () => {
  let fixture: ServingFixture;

  beforeAll(async () => {
    fixture = new ServingFixture({ captureAll: true });
    await fixture.register(await trainDocument('RandomForest', { n_estimators: 5 }));
    await fixture.register(await trainDocument('LogisticRegression', {}));
    await fixture.register(await trainDocument('DecisionTree', { max_depth: 4 }));
    await fixture.moveAlias('champion', 1);
    await fixture.moveAlias('challenger', 2);
    await fixture.route({ champion: 50, challenger: 50 }, 'challenger');
  });

  it(`answers ${CASES} generated requests without a 5xx or a thrown exception`, async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const generator = new Generator(SEED);
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const routeKey = generator.pick(ROUTES);
      // A quarter are requests a careful client sends, so scoring (and shadow, capture) is fuzzed too.
      const clean = generator.chance(0.25);
      generator.corruption = clean ? 0 : 0.03;
      const { body, contentType } = clean ? generator.valid(routeKey) : generator.body(routeKey);
      const alias = generator.pick(clean ? ALIASES.slice(0, 4) : ALIASES);
      const request = fixture.request(routeKey, {
        name: clean ? 'schedule' : generator.pick(NAMES),
        version: generator.pick(clean ? VERSIONS.slice(0, 5) : VERSIONS),
        ...(alias === undefined ? {} : { query: { alias } }),
        ...(body === undefined ? {} : { body }),
        ...(contentType === undefined ? {} : { contentType }),
      });
      const headers: Record<string, string> =
        contentType === undefined ? {} : { 'content-type': contentType };
      const response = await handleServingRequest(fixture.deps, { ...request, headers });
      const protocol = routeKey.startsWith('POST') ? routeKey.split('/').pop() : 'get';
      const key = `${protocol} ${response.statusCode}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (response.statusCode >= 500 && failures.length < 5) {
        failures.push(
          `case ${i}: ${routeKey} ${response.statusCode} ${response.body.slice(0, 300)} ← ${String(body).slice(0, 300)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(fixture.logged('internal error')).toEqual([]);
    // The generator reaches scoring on every protocol, and refusals of each kind.
    for (const protocol of ['predict', 'invocations', 'infer']) {
      expect(statuses.get(`${protocol} 200`) ?? 0, protocol).toBeGreaterThan(100);
      expect(statuses.get(`${protocol} 400`) ?? 0, protocol).toBeGreaterThan(100);
    }
    for (const status of [404, 415]) {
      expect(
        [...statuses].some(([key]) => key.endsWith(` ${status}`)),
        String(status),
      ).toBe(true);
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Captured rows never carry inherited keys: the validator builds them from the signature.
    for (const row of fixture.captured.slice(0, 2_000)) {
      for (const key of Object.keys(row.input)) expect(INPUTS).toContain(key);
    }
  });

  it('answers bodies nested 100,000 deep on every scoring route with a 4xx', async () => {
    const generator = new Generator(SEED + 1);
    for (const routeKey of ROUTES.filter((key) => key.startsWith('POST'))) {
      for (let shape = 0; shape < 4; shape++) {
        const body = generator.nested(100_000, shape);
        const response = await handleServingRequest(fixture.deps, fixture.request(routeKey, { body }));
        expect(response.statusCode, `${routeKey} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, `${routeKey} ${body.slice(0, 40)}`).toBeLessThan(500);
      }
    }
  });
});
