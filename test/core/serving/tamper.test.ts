import { beforeAll, describe, expect, it } from 'vitest';
import { handleServingRequest } from '../../../layers/core/serving/serve.ts';
import { ServingFixture, sampleRows, type TrainedDocument, trainDocument } from './serving-fixture.ts';

let forest: TrainedDocument;
let logistic: TrainedDocument;

beforeAll(async () => {
  [forest, logistic] = await Promise.all([
    trainDocument('RandomForest', { n_estimators: 5 }),
    trainDocument('LogisticRegression', {}),
  ]);
});

async function twoVersions(): Promise<ServingFixture> {
  const fixture = new ServingFixture();
  await fixture.register(forest);
  await fixture.register(logistic);
  await fixture.moveAlias('champion', 1);
  await fixture.moveAlias('challenger', 2);
  return fixture;
}

const REFUSED =
  /model schedule version 1 is refused: its artifact does not match the sha256 registered for it/;

describe('a tampered artifact', () => {
  it.each([0, 100, 5_000, -1])('with byte %i changed is refused with 503 on every protocol', async (at) => {
    const fixture = await twoVersions();
    const v1 = (await fixture.registry.getVersion('schedule', 1)) ?? fail();
    fixture.tamper(v1, at < 0 ? v1.artifact.size - 1 : at);
    const rows = sampleRows(2);
    const requests = [
      fixture.request('POST /models/{name}/predict', { body: { rows } }),
      fixture.request('POST /models/{name}/invocations', { body: { dataframe_records: rows } }),
      fixture.request('POST /v2/models/{name}/versions/{version}/infer', {
        version: '1',
        body: { inputs: [{ name: 'crew_size', shape: [1], datatype: 'FP64', data: [5] }] },
      }),
    ];
    for (const request of requests) {
      const response = await handleServingRequest(fixture.deps, request);
      expect(response.statusCode, request.routeKey).toBe(503);
      expect(response.body, request.routeKey).toMatch(REFUSED);
    }
    // Refused every time, never cached as good; the other version still serves.
    const again = await handleServingRequest(fixture.deps, requests[0]);
    expect(again.statusCode).toBe(503);
    const good = await handleServingRequest(
      fixture.deps,
      fixture.request('POST /models/{name}/predict', { query: { alias: 'challenger' }, body: { rows } }),
    );
    expect(good.statusCode).toBe(200);
    expect(JSON.parse(good.body)).toMatchObject({ version: 2 });
    expect(fixture.metrics.points).toContainEqual({
      name: 'PredictErrors',
      unit: 'Count',
      value: 1,
      dimensions: { model: 'schedule', alias: 'champion', statusClass: '5xx' },
    });
  });

  it('is refused when swapped for another valid model document', async () => {
    const fixture = await twoVersions();
    const [v1, v2] = [
      await fixture.registry.getVersion('schedule', 1),
      await fixture.registry.getVersion('schedule', 2),
    ];
    const other = fixture.artifacts.objects.get(v2?.artifact.uri ?? fail());
    fixture.artifacts.objects.set(v1?.artifact.uri ?? fail(), other ?? fail());
    const response = await handleServingRequest(
      fixture.deps,
      fixture.request('POST /models/{name}/predict', { body: { rows: sampleRows(1) } }),
    );
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(response.body).toMatch(REFUSED);
  });
});

function fail(): never {
  throw new Error('missing fixture record');
}
