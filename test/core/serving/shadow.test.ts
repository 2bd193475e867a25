import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelDocument } from '../../../layers/core/pipeline/model-document.ts';
import { handleServingRequest } from '../../../layers/core/serving/serve.ts';
import type { ClassLabel } from '../../../layers/ml/data/labels.ts';
import { ServingFixture, sampleRows, type TrainedDocument, trainDocument } from './serving-fixture.ts';

let forest: TrainedDocument;
let logistic: TrainedDocument;

const NATIVE = 'POST /models/{name}/predict';

beforeAll(async () => {
  [forest, logistic] = await Promise.all([
    trainDocument('RandomForest', { n_estimators: 5 }),
    trainDocument('LogisticRegression', {}),
  ]);
});

function expectedLabels(document: TrainedDocument, rows: readonly Record<string, unknown>[]): ClassLabel[] {
  const loaded = loadModelDocument(document.bytes, document.sha256);
  return Array.from(loaded.classifier.predict(loaded.preprocessor.transformRecords(rows)), (c) =>
    loaded.preprocessor.decode(c),
  );
}

async function shadowed(): Promise<ServingFixture> {
  const fixture = new ServingFixture();
  await fixture.register(forest);
  await fixture.register(logistic);
  await fixture.moveAlias('champion', 1);
  await fixture.moveAlias('challenger', 2);
  await fixture.route({ champion: 100 }, 'challenger');
  return fixture;
}

describe('shadow', () => {
  it('answers with the champion and logs the challenger’s labels and their agreement', async () => {
    const fixture = await shadowed();
    const rows = sampleRows(60);
    const response = await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows } }));
    const champion = expectedLabels(forest, rows);
    const challenger = expectedLabels(logistic, rows);
    // The two models must disagree somewhere, or this test could not tell whose answer was returned.
    expect(challenger).not.toEqual(champion);
    expect(JSON.parse(response.body)).toMatchObject({ version: 1, alias: 'champion', predictions: champion });
    const same = champion.filter((label, i) => label === challenger[i]).length;
    const [line, ...more] = fixture.logged('shadow');
    expect(more).toEqual([]);
    expect(line.fields).toEqual({
      requestId: 'req-1',
      model: 'schedule',
      version: 1,
      alias: 'champion',
      shadowVersion: 2,
      shadowAlias: 'challenger',
      rows: 60,
      agreement: (100 * same) / 60,
      ms: expect.any(Number),
      labels: champion,
      shadowLabels: challenger,
    });
    expect(fixture.metrics.points.filter((point) => point.name === 'ShadowAgreement')).toEqual([
      {
        name: 'ShadowAgreement',
        unit: 'Percent',
        value: (100 * same) / 60,
        dimensions: { model: 'schedule', alias: 'challenger' },
      },
    ]);
  });

  it('does not shadow a request that named an alias or a version', async () => {
    const fixture = await shadowed();
    const body = { rows: sampleRows(2) };
    await handleServingRequest(fixture.deps, fixture.request(NATIVE, { query: { alias: 'champion' }, body }));
    await handleServingRequest(
      fixture.deps,
      fixture.request('POST /models/{name}/versions/{version}/predict', { version: '1', body }),
    );
    expect(fixture.logged('shadow')).toEqual([]);
  });

  it('does not shadow with the version that answered', async () => {
    const fixture = await shadowed();
    await fixture.moveAlias('challenger', 1);
    await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows: sampleRows(2) } }));
    expect(fixture.logged('shadow')).toEqual([]);
  });

  it('never fails the request when the shadow fails: it logs a warning', async () => {
    const fixture = await shadowed();
    fixture.tamper((await fixture.registry.getVersion('schedule', 2)) ?? fail());
    const rows = sampleRows(5);
    const response = await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows } }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).predictions).toEqual(expectedLabels(forest, rows));
    expect(fixture.logged('shadow')).toEqual([]);
    const [warning] = fixture.logged('shadow failed');
    expect(warning.fields).toMatchObject({
      requestId: 'req-1',
      model: 'schedule',
      version: 1,
      shadowVersion: 2,
    });
    expect(String(warning.fields.error)).toMatch(/version 2 is refused/);
  });

  it('logs at most 100 labels per side for a large batch', async () => {
    const fixture = await shadowed();
    await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows: sampleRows(250) } }));
    const [line] = fixture.logged('shadow');
    expect(line.fields.rows).toBe(250);
    expect(line.fields.labels).toHaveLength(100);
    expect(line.fields.shadowLabels).toHaveLength(100);
  });
});

function fail(): never {
  throw new Error('missing fixture record');
}
