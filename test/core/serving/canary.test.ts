/**
 * Weighted routing, checked statistically: with a seeded random the counts are reproducible, and the
 * bounds are those a correct 90/10 split passes with probability 0.999 (chi-square, 1 degree of freedom).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoutingRecord } from '../../../layers/core/pipeline/records.ts';
import { handleServingRequest } from '../../../layers/core/serving/serve.ts';
import { Random } from '../../../layers/ml/random.ts';
import { ServingFixture, sampleRows, type TrainedDocument, trainDocument } from './serving-fixture.ts';

/** The chi-square critical value for 1 degree of freedom at p = 0.001. */
const CHI_SQUARE_1DF_P001 = 10.828;

let forest: TrainedDocument;
let logistic: TrainedDocument;

beforeAll(async () => {
  [forest, logistic] = await Promise.all([
    trainDocument('RandomForest', { n_estimators: 5 }),
    trainDocument('LogisticRegression', {}),
  ]);
});

async function split(
  weights: RoutingRecord['weights'],
  requests: number,
  seed: number,
): Promise<Map<string, number>> {
  const random = new Random(seed);
  const fixture = new ServingFixture({ random: () => random.next() });
  await fixture.register(forest);
  await fixture.register(logistic);
  await fixture.moveAlias('champion', 1);
  await fixture.moveAlias('challenger', 2);
  await fixture.route(weights);
  const body = JSON.stringify({ rows: sampleRows(1) });
  const counts = new Map<string, number>();
  for (let i = 0; i < requests; i++) {
    const response = await handleServingRequest(
      fixture.deps,
      fixture.request('POST /models/{name}/predict', { body }),
    );
    // Counted rather than asserted per request: 20,000 expect calls would dominate the test's time.
    const key = `${response.statusCode} ${response.headers['x-synergy-alias']}@${response.headers['x-synergy-version']}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function chiSquare(observed: readonly number[], expectedShares: readonly number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((sum, o, i) => {
    const e = total * expectedShares[i];
    return sum + (o - e) ** 2 / e;
  }, 0);
}

describe('canary routing', () => {
  it('splits 90/10 over 20,000 requests within the p = 0.001 chi-square bound', async () => {
    const counts = await split({ champion: 90, challenger: 10 }, 20_000, 20260101);
    const champion = counts.get('200 champion@1') ?? 0;
    const challenger = counts.get('200 challenger@2') ?? 0;
    expect(champion + challenger).toBe(20_000);
    expect(chiSquare([champion, challenger], [0.9, 0.1])).toBeLessThan(CHI_SQUARE_1DF_P001);
  });

  it('would notice a wrong split: 85/15 traffic fails the 90/10 test', async () => {
    const counts = await split({ champion: 85, challenger: 15 }, 20_000, 20260101);
    const observed = [counts.get('200 champion@1') ?? 0, counts.get('200 challenger@2') ?? 0];
    expect(chiSquare(observed, [0.9, 0.1])).toBeGreaterThan(CHI_SQUARE_1DF_P001);
    expect(chiSquare(observed, [0.85, 0.15])).toBeLessThan(CHI_SQUARE_1DF_P001);
  });

  it('never routes to the challenger at 100/0, and always at 0/100', async () => {
    expect([...(await split({ champion: 100, challenger: 0 }, 5_000, 7))]).toEqual([
      ['200 champion@1', 5_000],
    ]);
    expect([...(await split({ champion: 0, challenger: 100 }, 2_000, 8))]).toEqual([
      ['200 challenger@2', 2_000],
    ]);
  });
});
