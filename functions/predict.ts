/**
 * The prediction endpoint: every serving route of the HTTP API (native, MLflow and Open Inference
 * Protocol V2; see layers/core/serving/serving-routes.ts). Its cold start imports no AWS SDK: the
 * wiring builds clients on the first request that needs them.
 */
import { parseEnv } from '../layers/aws/lambda/env.ts';
import { httpLambdaHandler } from '../layers/aws/lambda/http-handler.ts';
import { publishServingMetricsIfDue, servingDeps } from '../layers/aws/serving-wiring.ts';
import { handleServingRequest } from '../layers/core/serving/serve.ts';

const env = parseEnv([
  'REGISTRY_TABLE',
  'DATA_BUCKET',
  'SERVING_ALIAS_TTL_SECONDS',
  'MODEL_CACHE_SIZE',
  'CAPTURE_SAMPLE_RATE',
  'CAPTURE_BATCH_ROWS',
  'CAPTURE_BATCH_SECONDS',
]);

export const handler = httpLambdaHandler({
  functionKey: 'predict',
  handle: async (request) => handleServingRequest(await servingDeps(env), request),
  afterInvocation: publishServingMetricsIfDue,
});
