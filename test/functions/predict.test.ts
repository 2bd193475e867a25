/**
 * The predict handler on the sample API Gateway v2 events in events/: each route answered through the
 * serving use case (in-memory deps), base64 bodies decoded, header names lower-cased, EMF metrics flushed
 * per invocation, a failure of the wiring answered 500, and a bundle without a static SDK import or
 * classic zod.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ServingFixture, sampleRows, trainDocument } from '../core/serving/serving-fixture.ts';
import { lambdaContext } from './lambda-context.ts';
import { stubLambdaEnv } from './lambda-env.ts';
import { sampleEvent } from './sample-events.ts';

stubLambdaEnv();
vi.stubEnv('SERVING_ALIAS_TTL_SECONDS', '5');
vi.stubEnv('MODEL_CACHE_SIZE', '8');
vi.stubEnv('CAPTURE_SAMPLE_RATE', '0.1');
vi.stubEnv('CAPTURE_BATCH_ROWS', '1000');
vi.stubEnv('CAPTURE_BATCH_SECONDS', '60');
const { handler } = await import('../../functions/predict.ts');
const { setServingDepsForTest } = await import('../../layers/aws/serving-wiring.ts');
const { httpLambdaHandler, httpRequestOf } = await import('../../layers/aws/lambda/http-handler.ts');
const { logger, metrics } = await import('../../layers/aws/lambda/observability.ts');

const context = lambdaContext('predict');
let fixture: ServingFixture;

async function event(name: string): Promise<APIGatewayProxyEventV2> {
  return (await sampleEvent(name)) as unknown as APIGatewayProxyEventV2;
}

beforeAll(async () => {
  fixture = new ServingFixture();
  await fixture.register(await trainDocument('RandomForest', { n_estimators: 5 }));
  await fixture.register(await trainDocument('LogisticRegression', {}));
  await fixture.moveAlias('champion', 1);
  await fixture.moveAlias('challenger', 2);
  setServingDepsForTest(fixture.deps);
  return () => setServingDepsForTest(undefined);
});

afterEach(() => vi.restoreAllMocks());

describe('predict handler', () => {
  it.each([
    ['predict', 200, { model: 'schedule', version: 1, alias: 'champion' }],
    ['predict-version', 200, { version: 2, alias: null }],
    ['predict-mlflow', 200, {}],
    ['predict-mlflow-csv', 200, {}],
    ['predict-v2-infer', 200, { model_name: 'schedule', model_version: '1', id: 'req-42' }],
    ['predict-v2-metadata', 200, { name: 'schedule', versions: ['2', '1'] }],
    ['predict-v2-ready', 200, { name: 'schedule', ready: true }],
    ['predict-v2-health', 200, { live: true }],
  ])('answers events/%s.json with %i', async (name, status, fields) => {
    const sample = await event(name);
    const response = await handler(sample, context);
    expect(response.statusCode, response.body).toBe(status);
    expect(JSON.parse(response.body ?? '')).toMatchObject(fields);
    expect(response.headers?.['x-request-id']).toBe(sample.requestContext.requestId);
  });

  it('answers the MLflow events with the version their alias or routing chose', async () => {
    const split = JSON.parse((await handler(await event('predict-mlflow'), context)).body ?? '');
    const csv = JSON.parse((await handler(await event('predict-mlflow-csv'), context)).body ?? '');
    expect(split.predictions).toHaveLength(2);
    expect(csv.predictions).toHaveLength(1);
    const mlflow = await handler(await event('predict-mlflow'), context);
    expect(mlflow.headers?.['x-synergy-alias']).toBe('challenger');
  });

  it('decodes a base64 body and lower-cases header names', async () => {
    const sample = await event('predict');
    const body = JSON.stringify({ rows: sampleRows(3) });
    const encoded: APIGatewayProxyEventV2 = {
      ...sample,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    };
    const request = httpRequestOf(encoded);
    expect(request.body).toBe(body);
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
    expect(request).toMatchObject({
      method: 'POST',
      routeKey: 'POST /models/{name}/predict',
      path: '/models/schedule/predict',
      pathParameters: { name: 'schedule' },
      query: {},
      requestId: sample.requestContext.requestId,
    });
    const response = await handler(encoded, context);
    expect(JSON.parse(response.body ?? '').predictions).toHaveLength(3);
  });

  it('answers a wrong content type with 415 from the use case, not a Lambda error', async () => {
    const sample = await event('predict');
    const response = await handler(
      { ...sample, headers: { ...sample.headers, 'content-type': 'text/xml' } },
      context,
    );
    expect(response.statusCode).toBe(415);
  });

  it('flushes stored EMF metrics after every invocation', async () => {
    const publish = vi.spyOn(metrics, 'publishStoredMetrics');
    const withMetric = httpLambdaHandler({
      functionKey: 'test',
      handle: async (request) => {
        metrics.addMetric('Probe', 'Count', 1);
        return { statusCode: 200, headers: {}, body: request.requestId };
      },
    });
    await withMetric(await event('predict'), context);
    await withMetric(await event('predict'), context);
    expect(publish).toHaveBeenCalledTimes(2);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('answers 500 with the request id, and logs the error, when the use case cannot even start', async () => {
    const error = vi.spyOn(logger, 'error');
    const failing = httpLambdaHandler({
      functionKey: 'predict',
      handle: () => Promise.reject(new Error('the SDK failed to load')),
    });
    const sample = await event('predict');
    const response = await failing(sample, context);
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toEqual({
      message: 'Internal Server Error',
      requestId: sample.requestContext.requestId,
    });
    expect(error).toHaveBeenCalledWith(
      'predict failed',
      expect.objectContaining({ message: 'the SDK failed to load' }),
    );
  });
});
