import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ArtifactIntegrityError } from '../../../layers/core/pipeline/model-document.ts';
import type { ModelVersionRecord } from '../../../layers/core/pipeline/records.ts';
import { ServingRequestError } from '../../../layers/core/serving/errors.ts';
import { ModelCache } from '../../../layers/core/serving/model-cache.ts';
import { RandomForest } from '../../../layers/ml/models/random-forest.ts';
import { ServingFixture, sampleRows, type TrainedDocument, trainDocument } from './serving-fixture.ts';

let forest: TrainedDocument;
let logistic: TrainedDocument;
let tree: TrainedDocument;

beforeAll(async () => {
  [forest, logistic, tree] = await Promise.all([
    trainDocument('RandomForest', { n_estimators: 5 }),
    trainDocument('LogisticRegression', {}),
    trainDocument('DecisionTree', { max_depth: 4 }),
  ]);
});

function counting(fixture: ServingFixture): { cache: ModelCache; reads: () => number } {
  let reads = 0;
  const cache = new ModelCache({
    ...fixture.deps,
    artifacts: {
      readBytes: (ref) => {
        reads++;
        return fixture.artifacts.readBytes(ref);
      },
    },
  });
  return { cache, reads: () => reads };
}

async function refusalOf(promise: Promise<unknown>): Promise<ServingRequestError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ServingRequestError);
  return error as ServingRequestError;
}

describe('model cache', () => {
  it('loads a version once for concurrent first requests, and serves it with its validator', async () => {
    const fixture = new ServingFixture();
    const v1 = await fixture.register(forest);
    const { cache, reads } = counting(fixture);
    const rows = { kind: 'records', records: sampleRows(2), field: 'rows' } as const;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => cache.use(v1, (model) => model.validate(rows).length)),
    );
    expect(results).toEqual([2, 2, 2, 2, 2]);
    expect(reads()).toBe(1);
    await cache.use(v1, (model) => {
      expect(model.record).toBe(v1);
      expect(model.featureRow).toHaveLength(model.loaded.preprocessor.nFeatures);
      expect(model.probaRow).toHaveLength(2);
    });
    expect(reads()).toBe(1);
    expect(fixture.logged('model loaded')).toHaveLength(1);
  });

  it('evicts the least recently used version beyond modelCacheSize and disposes it', async () => {
    const fixture = new ServingFixture({ settings: { modelCacheSize: 2 } });
    const [v1, v2, v3] = [
      await fixture.register(forest),
      await fixture.register(logistic),
      await fixture.register(tree),
    ];
    const { cache, reads } = counting(fixture);
    const disposeV1 = await cache.use(v1, (model) => vi.spyOn(model.loaded.classifier, 'dispose'));
    await cache.use(v2, () => undefined);
    await cache.use(v1, () => undefined); // v1 is now the most recent: v2 goes next
    await cache.use(v3, () => undefined);
    expect(cache.size).toBe(2);
    expect(disposeV1).not.toHaveBeenCalled();
    expect(reads()).toBe(3);
    await cache.use(v1, () => undefined);
    expect(reads()).toBe(3);
    await cache.use(v2, () => undefined);
    expect(reads()).toBe(4);
    // v3 was least recent when v2 came back, then v1: v1 is the one evicted by the next new version.
    await cache.use(v3, () => undefined);
    expect(reads()).toBe(5);
    expect(disposeV1).toHaveBeenCalledTimes(1);
  });

  it('does not dispose an evicted model while a request is still using it', async () => {
    const fixture = new ServingFixture({ settings: { modelCacheSize: 1 } });
    const [v1, v2] = [await fixture.register(forest), await fixture.register(logistic)];
    const { cache } = counting(fixture);
    const dispose = vi.spyOn(RandomForest.prototype, 'dispose');
    try {
      let disposedDuringUse: boolean | undefined;
      const first = cache.use(v1, () => {
        disposedDuringUse = dispose.mock.calls.length > 0;
      });
      // Evicts v1's entry while its load is still pending and a request holds it.
      const second = cache.use(v2, () => undefined);
      await Promise.all([first, second]);
      expect(disposedDuringUse).toBe(false);
      expect(dispose).toHaveBeenCalledTimes(1);
    } finally {
      dispose.mockRestore();
    }
  });

  it('refuses a tampered artifact with 503 naming model and version, keeping the integrity error', async () => {
    const fixture = new ServingFixture();
    const v1 = await fixture.register(forest);
    const v2 = await fixture.register(logistic);
    fixture.tamper(v1);
    const { cache } = counting(fixture);
    const error = await refusalOf(cache.use(v1, () => undefined));
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/model schedule version 1 is refused/);
    expect(error.message).toMatch(/sha256/);
    expect(error.cause).toBeInstanceOf(ArtifactIntegrityError);
    expect(fixture.logged('model refused')[0]?.fields).toMatchObject({ model: 'schedule', version: 1 });
    expect(await cache.use(v2, (model) => model.record.version)).toBe(2);
  });

  it('does not keep a failed load: the next request loads again', async () => {
    const fixture = new ServingFixture();
    const v1 = await fixture.register(forest);
    const good = fixture.artifacts.objects.get(v1.artifact.uri);
    fixture.artifacts.objects.delete(v1.artifact.uri);
    const { cache, reads } = counting(fixture);
    const error = await refusalOf(cache.use(v1, () => undefined));
    expect(error.status).toBe(503);
    expect(error.message).toBe('model schedule version 1 cannot be loaded (NotFoundError)');
    expect(cache.size).toBe(0);
    if (good === undefined) throw new Error('the fixture stored no artifact');
    fixture.artifacts.objects.set(v1.artifact.uri, good);
    expect(await cache.use(v1, (model) => model.record.version)).toBe(1);
    expect(reads()).toBe(2);
  });

  it('refuses a record whose artifact URI is not an S3 URI', async () => {
    const fixture = new ServingFixture();
    const v1 = await fixture.register(forest);
    const broken: ModelVersionRecord = { ...v1, artifact: { ...v1.artifact, uri: 'file:///tmp/model.json' } };
    const { cache } = counting(fixture);
    expect((await refusalOf(cache.use(broken, () => undefined))).status).toBe(503);
  });
});
