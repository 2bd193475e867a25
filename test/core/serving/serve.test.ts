import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_ADHERENCE_HEADER } from '../../../layers/core/demo/schedule-adherence.ts';
import { loadModelDocument } from '../../../layers/core/pipeline/model-document.ts';
import { MAX_BODY_BYTES } from '../../../layers/core/serving/http.ts';
import { handleServingRequest } from '../../../layers/core/serving/serve.ts';
import type { ClassLabel } from '../../../layers/ml/data/labels.ts';
import { ServingFixture, sampleRows, type TrainedDocument, trainDocument } from './serving-fixture.ts';

let forest: TrainedDocument;
let logistic: TrainedDocument;
let tree: TrainedDocument;

const NATIVE = 'POST /models/{name}/predict';
const NATIVE_VERSION = 'POST /models/{name}/versions/{version}/predict';
const INPUTS = SCHEDULE_ADHERENCE_HEADER.filter((name) => name !== 'on_time');

beforeAll(async () => {
  [forest, logistic, tree] = await Promise.all([
    trainDocument('RandomForest', { n_estimators: 5 }),
    trainDocument('LogisticRegression', {}),
    trainDocument('DecisionTree', { max_depth: 4 }),
  ]);
});

/** v1 forest (champion), v2 logistic (challenger), v3 tree. */
async function served(
  options: ConstructorParameters<typeof ServingFixture>[0] = {},
): Promise<ServingFixture> {
  const fixture = new ServingFixture(options);
  await fixture.register(forest);
  await fixture.register(logistic);
  await fixture.register(tree);
  await fixture.moveAlias('champion', 1);
  await fixture.moveAlias('challenger', 2);
  return fixture;
}

/** What the document's own preprocessor and classifier say, row by row. */
function expectedLabels(document: TrainedDocument, rows: readonly Record<string, unknown>[]): ClassLabel[] {
  const loaded = loadModelDocument(document.bytes, document.sha256);
  const predicted = loaded.classifier.predict(loaded.preprocessor.transformRecords(rows));
  return Array.from(predicted, (c) => loaded.preprocessor.decode(c));
}

function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

describe('handleServingRequest: native', () => {
  it('answers with the champion by default: labels as the model predicts them, probabilities per class', async () => {
    const fixture = await served();
    const rows = sampleRows(20);
    const response = await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows } }));
    expect(response.statusCode).toBe(200);
    const body = json(response.body);
    expect([body.model, body.version, body.alias]).toEqual(['schedule', 1, 'champion']);
    expect(body.predictions).toEqual(expectedLabels(forest, rows));
    const probabilities = body.probabilities as Record<string, number>[];
    expect(probabilities).toHaveLength(20);
    for (const p of probabilities) expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'x-synergy-model': 'schedule',
      'x-synergy-version': '1',
      'x-synergy-alias': 'champion',
      'x-request-id': 'req-1',
    });
  });

  it('scores one row (the fast path) exactly as the same row inside a batch', async () => {
    const fixture = await served();
    const rows = sampleRows(8, 40);
    const batch = json(
      (await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows } }))).body,
    );
    for (let i = 0; i < rows.length; i++) {
      const one = json(
        (await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows: [rows[i]] } })))
          .body,
      );
      expect(one.predictions).toEqual([(batch.predictions as unknown[])[i]]);
      expect(one.probabilities).toEqual([(batch.probabilities as unknown[])[i]]);
    }
  });

  it('takes a version from the path over ?alias=, and ?alias= over the routing', async () => {
    const fixture = await served();
    await fixture.route({ champion: 100 });
    const rows = sampleRows(5);
    const pinned = await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE_VERSION, { version: '3', query: { alias: 'challenger' }, body: { rows } }),
    );
    expect(json(pinned.body)).toMatchObject({
      version: 3,
      alias: null,
      predictions: expectedLabels(tree, rows),
    });
    expect(pinned.headers['x-synergy-version']).toBe('3');
    expect(pinned.headers['x-synergy-alias']).toBeUndefined();
    const byAlias = await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE, { query: { alias: 'challenger' }, body: { rows } }),
    );
    expect(json(byAlias.body)).toMatchObject({
      version: 2,
      alias: 'challenger',
      predictions: expectedLabels(logistic, rows),
    });
  });

  it('accepts positional instances in signature order', async () => {
    const fixture = await served();
    const rows = sampleRows(3);
    const instances = rows.map((row) => INPUTS.map((name) => row[name]));
    const response = await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE, { body: { instances } }),
    );
    expect(json(response.body).predictions).toEqual(expectedLabels(forest, rows));
  });

  it('refuses what a client gets wrong with a 4xx naming it', async () => {
    const fixture = await served();
    const cases: [Parameters<ServingFixture['request']>[1], number, RegExp][] = [
      [{ name: 'nope', body: { rows: sampleRows(1) } }, 404, /no model named nope/],
      [{ query: { alias: 'staging' }, body: { rows: sampleRows(1) } }, 400, /alias: must be one of/],
      [{ body: { rows: [{ crew_size: 'many' }] } }, 400, /rows\[0\]\.crew_size: expected a number/],
      [{ body: '{"rows": [' }, 400, /not valid JSON/],
      [{ body: { rows: sampleRows(1) }, contentType: 'text/plain' }, 415, /content-type/],
    ];
    for (const [options, status, message] of cases) {
      const response = await handleServingRequest(fixture.deps, fixture.request(NATIVE, options));
      expect(response.statusCode, JSON.stringify(options)).toBe(status);
      expect(response.body).toMatch(message);
      expect(response.headers['x-request-id']).toMatch(/^req-/);
    }
    const missingVersion = await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE_VERSION, { version: '9', body: { rows: sampleRows(1) } }),
    );
    expect([missingVersion.statusCode, json(missingVersion.body).error]).toEqual([
      404,
      { code: 'NOT_FOUND', message: 'model schedule has no version 9', field: 'version' },
    ]);
  });

  it('refuses a body over 6 MB with 413 before parsing it', async () => {
    const fixture = await served();
    const padding = 'x'.repeat(MAX_BODY_BYTES);
    const response = await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE, { body: `{"rows":[],"pad":"${padding}"}` }),
    );
    expect(response.statusCode).toBe(413);
    // Multi-byte characters count as bytes: 2.1 M three-byte characters are 6.3 MB.
    const wide = await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE, { body: `{"rows":[{"region":"${'€'.repeat(2_100_000)}"}]}` }),
    );
    expect(wide.statusCode).toBe(413);
  });

  it('answers 404 for a route it does not serve', async () => {
    const fixture = await served();
    const response = await handleServingRequest(fixture.deps, fixture.request('DELETE /models/{name}'));
    expect(response.statusCode).toBe(404);
    expect(json(response.body).error).toMatchObject({ message: 'no such route' });
  });

  it('answers 500 without details when something unexpected fails, and logs it with its stack', async () => {
    const fixture = await served();
    const failing = {
      ...fixture.deps,
      registry: {
        ...fixture.registry,
        getAlias: () => Promise.reject(new Error('DynamoDB is down')),
        getVersion: fixture.registry.getVersion.bind(fixture.registry),
        listVersions: fixture.registry.listVersions.bind(fixture.registry),
        getRouting: fixture.registry.getRouting.bind(fixture.registry),
      },
    };
    const response = await handleServingRequest(
      failing,
      fixture.request(NATIVE, { body: { rows: sampleRows(1) } }),
    );
    expect(response.statusCode).toBe(500);
    expect(json(response.body)).toEqual({ message: 'Internal Server Error', requestId: 'req-1' });
    const logged = fixture.logged('internal error')[0]?.fields;
    expect(logged?.error).toBe('Error: DynamoDB is down');
    expect(String(logged?.stack)).toMatch(/DynamoDB is down\n\s+at /);
  });
});

describe('handleServingRequest: MLflow and V2', () => {
  it('serves MLflow dataframe_split, dataframe_records and text/csv', async () => {
    const fixture = await served();
    const rows = sampleRows(4);
    const expected = expectedLabels(forest, rows);
    const split = {
      dataframe_split: { columns: INPUTS, data: rows.map((row) => INPUTS.map((name) => row[name])) },
    };
    const csv = [
      INPUTS.join(','),
      ...rows.map((row) => INPUTS.map((name) => row[name] ?? '').join(',')),
    ].join('\n');
    const bodies: [string | object, string][] = [
      [split, 'application/json'],
      [{ dataframe_records: rows }, 'application/json'],
      [csv, 'text/csv'],
    ];
    for (const [body, contentType] of bodies) {
      const response = await handleServingRequest(
        fixture.deps,
        fixture.request('POST /models/{name}/invocations', { body, contentType }),
      );
      expect(response.statusCode, contentType).toBe(200);
      expect(json(response.body)).toEqual({ predictions: expected });
    }
    const pinned = await handleServingRequest(
      fixture.deps,
      fixture.request('POST /models/{name}/versions/{version}/invocations', { version: '2', body: split }),
    );
    expect(json(pinned.body)).toEqual({ predictions: expectedLabels(logistic, rows) });
  });

  it('serves V2 infer with one tensor per column', async () => {
    const fixture = await served();
    const rows = sampleRows(3);
    const inputs = INPUTS.map((name) => {
      const values = rows.map((row) => row[name]);
      const text = values.some((value) => typeof value === 'string');
      return { name, shape: [rows.length], datatype: text ? 'BYTES' : 'FP64', data: values };
    });
    const response = await handleServingRequest(
      fixture.deps,
      fixture.request('POST /v2/models/{name}/versions/{version}/infer', {
        version: '3',
        body: { id: 'x-1', inputs },
      }),
    );
    expect(response.statusCode).toBe(200);
    const body = json(response.body);
    expect([body.model_name, body.model_version, body.id]).toEqual(['schedule', '3', 'x-1']);
    const predict = (body.outputs as { name: string; data: unknown[] }[]).find(
      (output) => output.name === 'predict',
    );
    expect(predict?.data).toEqual(expectedLabels(tree, rows));
  });

  it('answers the V2 health, metadata and readiness routes', async () => {
    const fixture = await served();
    const get = (routeKey: string, options: Parameters<ServingFixture['request']>[1] = {}) =>
      handleServingRequest(fixture.deps, fixture.request(routeKey, options));
    const live = await get('GET /v2/health/live');
    expect([live.statusCode, json(live.body)]).toEqual([200, { live: true }]);
    const ready = await get('GET /v2/health/ready');
    expect([ready.statusCode, json(ready.body)]).toEqual([200, { ready: true }]);
    const metadata = await get('GET /v2/models/{name}');
    expect(metadata.statusCode).toBe(200);
    expect(json(metadata.body)).toMatchObject({ name: 'schedule', platform: 'synergy-RandomForest' });
    expect([...(json(metadata.body).versions as string[])].sort()).toEqual(['1', '2', '3']);
    const pinned = await get('GET /v2/models/{name}/versions/{version}', { version: '2' });
    expect(json(pinned.body)).toMatchObject({ platform: 'synergy-LogisticRegression' });
    expect(pinned.headers['x-synergy-version']).toBe('2');
    const modelReady = await get('GET /v2/models/{name}/ready');
    expect([modelReady.statusCode, json(modelReady.body)]).toEqual([200, { name: 'schedule', ready: true }]);
    const long = await get('GET /v2/models/{name}', { name: 'n'.repeat(1025) });
    expect([long.statusCode, json(long.body).error]).toEqual([404, `no model named ${'n'.repeat(40)}…`]);
    const missing = await get('GET /v2/models/{name}', { name: 'nope' });
    expect([missing.statusCode, json(missing.body)]).toEqual([404, { error: 'no model named nope' }]);
  });

  it('reports a version that cannot be loaded as not ready', async () => {
    const fixture = await served();
    fixture.tamper((await fixture.registry.getVersion('schedule', 3)) ?? fail());
    const response = await handleServingRequest(
      fixture.deps,
      fixture.request('GET /v2/models/{name}/versions/{version}/ready', { version: '3' }),
    );
    expect([response.statusCode, json(response.body)]).toEqual([503, { name: 'schedule', ready: false }]);
  });
});

describe('handleServingRequest: metrics and capture', () => {
  it('records requests, rows and latency per model and alias, and errors by status class', async () => {
    const fixture = await served();
    await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows: sampleRows(3) } }));
    await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE, { query: { alias: 'challenger' }, body: { rows: [{ crew_size: [] }] } }),
    );
    await handleServingRequest(
      fixture.deps,
      fixture.request(NATIVE, { name: 'nope', body: { rows: sampleRows(1) } }),
    );
    const points = fixture.metrics.points.map(({ name, unit, value, dimensions }) => ({
      name,
      unit,
      value: name === 'PredictLatency' ? 'ms' : value,
      dimensions,
    }));
    const champion = { model: 'schedule', alias: 'champion' };
    const challenger = { model: 'schedule', alias: 'challenger' };
    const unresolved = { model: '(unresolved)', alias: '(unresolved)' };
    expect(points).toEqual([
      { name: 'PredictRows', unit: 'Count', value: 3, dimensions: champion },
      { name: 'PredictRequests', unit: 'Count', value: 1, dimensions: champion },
      { name: 'PredictLatency', unit: 'Milliseconds', value: 'ms', dimensions: champion },
      { name: 'PredictRequests', unit: 'Count', value: 1, dimensions: challenger },
      { name: 'PredictLatency', unit: 'Milliseconds', value: 'ms', dimensions: challenger },
      { name: 'PredictErrors', unit: 'Count', value: 1, dimensions: { ...challenger, statusClass: '4xx' } },
      { name: 'PredictRequests', unit: 'Count', value: 1, dimensions: unresolved },
      { name: 'PredictLatency', unit: 'Milliseconds', value: 'ms', dimensions: unresolved },
      { name: 'PredictErrors', unit: 'Count', value: 1, dimensions: { ...unresolved, statusClass: '4xx' } },
    ]);
    for (const point of fixture.metrics.points.filter((p) => p.name === 'PredictLatency')) {
      expect(point.value).toBeGreaterThanOrEqual(0);
    }
  });

  it('offers the validated rows with their predictions to capture', async () => {
    const fixture = await served({ captureAll: true });
    const rows = sampleRows(2);
    const response = await handleServingRequest(fixture.deps, fixture.request(NATIVE, { body: { rows } }));
    const body = json(response.body);
    expect(fixture.captured).toHaveLength(2);
    fixture.captured.forEach((row, i) => {
      expect(row).toMatchObject({
        requestId: 'req-1',
        row: i,
        at: '2026-01-01T00:00:00.000Z',
        model: 'schedule',
        version: 1,
        alias: 'champion',
        prediction: (body.predictions as ClassLabel[])[i],
        probabilities: (body.probabilities as object[])[i],
      });
      expect({ ...row.input }).toEqual(rows[i]);
    });
  });

  it('offers each scored request once, as a thunk the sink calls only when it samples', async () => {
    const fixture = await served();
    const offered: unknown[] = [];
    const deps = {
      ...fixture.deps,
      capture: { offer: (rows: unknown) => void offered.push(rows), flush: async () => {} },
    };
    await handleServingRequest(deps, fixture.request(NATIVE, { body: { rows: sampleRows(2) } }));
    await handleServingRequest(deps, fixture.request(NATIVE, { body: { rows: [{ crew_size: 'x' }] } }));
    expect(offered).toHaveLength(1);
    expect(typeof offered[0]).toBe('function');
  });
});

function fail(): never {
  throw new Error('missing fixture record');
}
